/** Walks a CloudFormation template (as serverless package writes it) for the deploy tests. */

// Templates are untyped JSON; `any` keeps the property walks readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CfnResource = { Type: string; Properties: any; DependsOn?: string[] };
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}
export interface IamStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: { Service?: string | string[]; AWS?: unknown };
  Condition?: unknown;
}

export function listOf<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function resourcesOfType(
  resources: Record<string, CfnResource>,
  type: string,
): [string, CfnResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** Every string in the template, keys included (a key like `arn:aws:…` would be as wrong as a value). */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) allStrings(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      allStrings(item, out);
    }
  }
  return out;
}

/** Statements of a role's inline policies plus those of AWS::IAM::Policy resources attached to it. */
export function roleStatements(resources: Record<string, CfnResource>, roleId: string): IamStatement[] {
  const role = resources[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = (role.Properties.Policies ?? []).flatMap(
    (p: { PolicyDocument: { Statement: IamStatement[] } }) => p.PolicyDocument.Statement,
  );
  const attached = resourcesOfType(resources, 'AWS::IAM::Policy')
    .filter(([, p]) => listOf(p.Properties.Roles).some((r) => (r as { Ref?: string }).Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as IamStatement[]);
  return [...inline, ...attached];
}

/** Every identity-policy statement in the template (roles' inline policies and AWS::IAM::Policy). */
export function allIamStatements(resources: Record<string, CfnResource>): IamStatement[] {
  const roles = resourcesOfType(resources, 'AWS::IAM::Role').flatMap(([, r]) =>
    (r.Properties.Policies ?? []).flatMap(
      (p: { PolicyDocument: { Statement: IamStatement[] } }) => p.PolicyDocument.Statement,
    ),
  );
  const policies = resourcesOfType(resources, 'AWS::IAM::Policy').flatMap(
    ([, p]) => p.Properties.PolicyDocument.Statement as IamStatement[],
  );
  return [...roles, ...policies];
}

/** `ec2:Describe*`, `eks:List*`: read-only wildcards SPEC §10 tolerates. */
export function isReadOnlyWildcard(action: string): boolean {
  return /^[a-z0-9-]+:(Describe|List)\*$/.test(action);
}
