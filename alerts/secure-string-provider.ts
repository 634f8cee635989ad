/**
 * Powertools Parameters for the Slack webhook URL, held to SPEC §9: the value must come from an SSM SecureString.
 * SSMProvider's own read returns only the value, so a plain String parameter would pass unseen; this provider reads
 * the parameter's type with the value and refuses anything but a SecureString. Caching (max age, forced refresh)
 * is Powertools'.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

/** An SSM read that failed or found the wrong thing; the message never holds the parameter's value. */
export class SecureStringError extends Error {
  override name = 'SecureStringError';
}

export class SecureStringProvider extends SSMProvider {
  constructor(ssmClient: SSMClient) {
    super({ awsSdkV3Client: ssmClient });
  }

  protected override async _get(name: string): Promise<string | undefined> {
    let parameter;
    try {
      ({ Parameter: parameter } = await (this.client as SSMClient).send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      ));
    } catch (error) {
      const errorName = (error as { name?: unknown } | undefined)?.name;
      throw new SecureStringError(
        `reading SSM parameter ${name} failed: ${typeof errorName === 'string' ? errorName : 'error'}`,
      );
    }
    if (parameter?.Type !== 'SecureString') {
      throw new SecureStringError(
        `SSM parameter ${name} must be a SecureString (found ${parameter?.Type ?? 'none'})`,
      );
    }
    return parameter.Value ?? '';
  }
}

/** The SecureStringError behind a Powertools GetParameterError (which wraps whatever `_get` threw). */
export function secureStringFailure(error: unknown): SecureStringError | undefined {
  if (error instanceof SecureStringError) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof SecureStringError ? cause : undefined;
}
