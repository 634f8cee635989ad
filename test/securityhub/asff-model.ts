/**
 * Holds an object to the Security Hub API model the SDK ships: every member name at every depth must be a member of
 * its shape, every required member present, and every value of the shape's kind. The schemas are the SDK's own
 * (`AwsSecurityFinding$` = [3, namespace, name, traits, member names, member schemas, required count]; a list is
 * [1, …, member schema], a map [2, …, key schema, value schema]; 0 a string, 1 a number, 2 a boolean, 64|0 a list of
 * strings, 128|0 a map of strings).
 */
type Schema = number | unknown[] | (() => Schema);

function resolve(schema: Schema): number | unknown[] {
  return typeof schema === 'function' ? resolve(schema()) : schema;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value;
}

/** Problems of `value` against `schema`, each naming its path (`Resources[1].Details.Other`). */
export function modelProblems(value: unknown, schema: Schema, path = '(root)'): string[] {
  const resolved = resolve(schema);
  if (typeof resolved === 'number') {
    if (resolved === 0)
      return typeof value === 'string' ? [] : [`${path}: expected a string, got ${kindOf(value)}`];
    if (resolved === 1)
      return typeof value === 'number' ? [] : [`${path}: expected a number, got ${kindOf(value)}`];
    if (resolved === 2)
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean, got ${kindOf(value)}`];
    if (resolved === (64 | 0)) {
      if (!Array.isArray(value)) return [`${path}: expected a list of strings, got ${kindOf(value)}`];
      return value.flatMap((item, i) => modelProblems(item, 0, `${path}[${i}]`));
    }
    if (resolved === (128 | 0)) {
      if (kindOf(value) !== 'object') return [`${path}: expected a map of strings, got ${kindOf(value)}`];
      return Object.entries(value as object).flatMap(([k, v]) => modelProblems(v, 0, `${path}.${k}`));
    }
    return [`${path}: schema kind ${resolved} is not handled by this check`];
  }
  const [type] = resolved as [number];
  if (type === 1) {
    if (!Array.isArray(value)) return [`${path}: expected a list, got ${kindOf(value)}`];
    const member = resolved[4] as Schema;
    return value.flatMap((item, i) => modelProblems(item, member, `${path}[${i}]`));
  }
  if (type === 2) {
    if (kindOf(value) !== 'object') return [`${path}: expected a map, got ${kindOf(value)}`];
    const valueSchema = resolved[5] as Schema;
    return Object.entries(value as object).flatMap(([k, v]) => modelProblems(v, valueSchema, `${path}.${k}`));
  }
  if (type === 3) {
    if (kindOf(value) !== 'object') return [`${path}: expected a structure, got ${kindOf(value)}`];
    const names = resolved[4] as string[];
    const schemas = resolved[5] as Schema[];
    const required = typeof resolved[6] === 'number' ? resolved[6] : 0;
    const record = value as Record<string, unknown>;
    const problems = names
      .slice(0, required)
      .filter((name) => record[name] === undefined)
      .map((name) => `${path}.${name}: required by the model, missing`);
    for (const [key, item] of Object.entries(record)) {
      const index = names.indexOf(key);
      if (index < 0) problems.push(`${path}.${key}: not a member of ${String(resolved[2])}`);
      else problems.push(...modelProblems(item, schemas[index]!, `${path}.${key}`));
    }
    return problems;
  }
  return [`${path}: schema type ${type} is not handled by this check`];
}

/** The member names of a structure schema. */
export function memberNames(schema: Schema): string[] {
  return (resolve(schema) as unknown[])[4] as string[];
}
