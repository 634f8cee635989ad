import { isAccountId, isExternalId, isRoleName, MEMBER_ROLE_NAME } from '../aws/member-role';
import { UsageError } from '../engine/errors';

/** The flags that make `check` and `snapshot` run across accounts. */
export interface OrgFlags {
  /** `--org`: every ACTIVE account of the organization. */
  org?: boolean;
  /** `--accounts ID,ID…` as given (repeatable). */
  accounts?: string[];
  /** `--role-name`: the role assumed in each account. */
  roleName?: string;
  /** `--external-id`: passed to sts:AssumeRole. */
  externalId?: string;
}

/** Which accounts a run covers and how it enters them; undefined = the caller's account only. */
export interface AccountsPlan {
  /** `org`: listed by organizations:ListAccounts; otherwise the ids given, in the order given. */
  source: 'org' | 'accounts';
  accounts: string[];
  roleName: string;
  externalId?: string;
}

/** `--accounts` values: 12-digit ids, comma-separated or repeated, each once, in the order named. */
export function parseAccountIds(values: readonly string[]): string[] {
  const ids = values
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids.length === 0)
    throw new UsageError('--accounts: no account id given (e.g. --accounts 111122223333)');
  for (const id of ids) {
    if (!isAccountId(id)) throw new UsageError(`--accounts "${id}" is not an AWS account id (12 digits)`);
  }
  return [...new Set(ids)];
}

/**
 * The accounts plan of a command line, or undefined for a single-account run (which then must
 * not carry the role flags). Checked before anything is loaded or called.
 */
export function accountsPlan(options: OrgFlags & { snapshot?: string }): AccountsPlan | undefined {
  const { org, accounts, roleName, externalId } = options;
  if (org === true && accounts !== undefined)
    throw new UsageError('give either --org or --accounts, not both');
  if (org !== true && accounts === undefined) {
    if (roleName !== undefined || externalId !== undefined) {
      throw new UsageError('--role-name and --external-id apply to --org and --accounts');
    }
    return undefined;
  }
  if (options.snapshot !== undefined) {
    throw new UsageError('--org and --accounts check accounts live (--region), not a --snapshot file');
  }
  const role = roleName ?? MEMBER_ROLE_NAME;
  if (!isRoleName(role)) {
    throw new UsageError(
      `--role-name "${role}" is not an IAM role name (letters, digits and +=,.@_- ; a path may precede it)`,
    );
  }
  if (externalId !== undefined && !isExternalId(externalId)) {
    throw new UsageError('--external-id: 2 to 1,224 characters of letters, digits and +=,.@:/_-');
  }
  return {
    source: org === true ? 'org' : 'accounts',
    accounts: org === true ? [] : parseAccountIds(accounts!),
    roleName: role,
    ...(externalId === undefined ? {} : { externalId }),
  };
}
