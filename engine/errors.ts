/** Input the user must fix (bad snapshot, parameter, config or usage): CLI exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A snapshot that is not JSON or does not match SPEC §2; the message names the JSON path. */
export class SnapshotError extends UsageError {
  override name = 'SnapshotError';
}

/** A parameter name or value outside SPEC §4's table; the message names the allowed values. */
export class ParameterError extends UsageError {
  override name = 'ParameterError';
}
