/**
 * AWS access for the response engine: one SDK v3 client per service, account and region, made
 * on first use. Credentials and endpoints come from the SDK's own chain (`AWS_PROFILE`,
 * `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, roles); `endpoint` sends every call to one
 * URL, like the AWS CLI's `--endpoint-url`. A finding in another account is acted on through
 * `arn:aws:iam::{account}:role/{name}`, assumed once and cached until shortly before it expires.
 */
import { ResponseError, awsError } from './errors.js';

/** Services the actions call, and the SDK client of each. */
const SERVICES = {
  ec2: { client: 'EC2Client', load: () => import('@aws-sdk/client-ec2') },
  iam: { client: 'IAMClient', load: () => import('@aws-sdk/client-iam') },
  s3: { client: 'S3Client', load: () => import('@aws-sdk/client-s3') },
  s3control: { client: 'S3ControlClient', load: () => import('@aws-sdk/client-s3-control') },
  wafv2: { client: 'WAFV2Client', load: () => import('@aws-sdk/client-wafv2') },
  rds: { client: 'RDSClient', load: () => import('@aws-sdk/client-rds') },
  lambda: { client: 'LambdaClient', load: () => import('@aws-sdk/client-lambda') },
  kms: { client: 'KMSClient', load: () => import('@aws-sdk/client-kms') },
  cloudtrail: { client: 'CloudTrailClient', load: () => import('@aws-sdk/client-cloudtrail') },
  sts: { client: 'STSClient', load: () => import('@aws-sdk/client-sts') },
  securityhub: { client: 'SecurityHubClient', load: () => import('@aws-sdk/client-securityhub') },
} as const;

type Service = keyof typeof SERVICES;

interface SdkClient {
  send(command: unknown): Promise<Record<string, unknown>>;
  destroy(): void;
}
type Ctor<T> = new (input: unknown) => T;

/** Credentials as the SDK takes them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** How the engine reaches AWS. */
export interface AwsOptions {
  /** Every call to this URL (`--endpoint-url`). */
  endpoint?: string;
  /** Assume `arn:aws:iam::{account}:role/{name}` for findings in other accounts. */
  assumeRole?: { name: string; externalId?: string };
  /** Attempts per call, throttling retries included (the SDK's standard retry mode). */
  maxAttempts?: number;
  /** Sees every operation before it is sent (tests check calls against declared permissions). */
  onCall?: (operation: string) => void;
}

/** Calls AWS in one account and region. */
export interface AwsCaller {
  readonly account: string;
  readonly region: string;
  /** Runs `service:Operation` with `input`; errors come back as coded `ResponseError`s. */
  call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T>;
}

/** The partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export const partitionOf = (region: string): string => (region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

/** A cache of clients and assumed-role credentials for one run. */
export class AwsSession {
  private readonly clients = new Map<string, Promise<SdkClient>>();
  private readonly roles = new Map<string, Promise<Credentials>>();
  private home?: Promise<string>;

  constructor(private readonly options: AwsOptions = {}) {}

  /** The account the SDK's own credentials belong to (STS GetCallerIdentity, once). */
  homeAccount(region: string): Promise<string> {
    this.home ??= this.send('sts', 'GetCallerIdentity', {}, region, undefined, 'the default account').then((r) => String(r.Account));
    // A failed lookup is not cached: the next call tries again.
    this.home.catch(() => (this.home = undefined));
    return this.home;
  }

  /** A caller acting in `account` and `region`: with the SDK's credentials, or the assumed role. */
  async caller(account: string, region: string): Promise<AwsCaller> {
    const home = await this.homeAccount(region);
    let credentials: (() => Promise<Credentials>) | undefined;
    if (account !== home) {
      const role = this.options.assumeRole;
      if (role === undefined) {
        throw new ResponseError('ActionRefused', `the finding is in account ${account}, the credentials are for ${home}: set response.assumeRole to act in other accounts`);
      }
      credentials = () => this.assumed(account, region, role);
      await credentials();
    }
    return {
      account,
      region,
      call: <T>(operation: string, input: Record<string, unknown>): Promise<T> => {
        const [service = '', name = ''] = operation.split(':');
        if (!(service in SERVICES)) throw new Error(`no AWS client for ${operation}`);
        return this.send(service as Service, name, input, region, credentials, `account ${account}, ${region}`) as Promise<T>;
      },
    };
  }

  /** The role's credentials in `account`, assumed once and again 5 minutes before they expire. */
  private assumed(account: string, region: string, role: { name: string; externalId?: string }): Promise<Credentials> {
    const cached = this.roles.get(account);
    const fresh = cached?.then((c) => c.expiration === undefined || c.expiration.getTime() - Date.now() > 300_000);
    const get = async (): Promise<Credentials> => {
      if (cached !== undefined && (await fresh) === true) return cached;
      const arn = `arn:${partitionOf(region)}:iam::${account}:role/${role.name}`;
      const next = this.send('sts', 'AssumeRole', { RoleArn: arn, RoleSessionName: 'firebreak-response', DurationSeconds: 3600, ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }) }, region, undefined, `account ${account}`).then((r) => {
        const c = r.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration?: Date };
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration === undefined ? {} : { expiration: new Date(c.Expiration) }) };
      });
      this.roles.set(account, next);
      next.catch(() => this.roles.delete(account));
      return next;
    };
    return get();
  }

  private async client(service: Service, region: string, credentials: (() => Promise<Credentials>) | undefined, mod: Record<string, unknown>): Promise<SdkClient> {
    const key = `${service}\u0000${region}\u0000${credentials === undefined ? '' : 'role'}`;
    let client = this.clients.get(key);
    if (client === undefined) {
      const Client = mod[SERVICES[service].client] as Ctor<SdkClient>;
      const endpoint = this.options.endpoint;
      client = Promise.resolve(
        new Client({
          region,
          maxAttempts: this.options.maxAttempts ?? 4,
          ...(credentials === undefined ? {} : { credentials }),
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(endpoint !== undefined && service === 's3' ? { forcePathStyle: true } : {}),
          // S3 Control puts the account id in front of the host, which an emulator's address cannot take.
          ...(endpoint !== undefined && service === 's3control' ? { disableHostPrefix: true, endpointProvider: () => ({ url: new URL(endpoint) }) } : {}),
        }),
      );
      this.clients.set(key, client);
    }
    return client;
  }

  private async send(service: Service, name: string, input: Record<string, unknown>, region: string, credentials: (() => Promise<Credentials>) | undefined, where: string): Promise<Record<string, unknown>> {
    const operation = `${service}:${name}`;
    this.options.onCall?.(operation);
    try {
      const mod = (await SERVICES[service].load()) as unknown as Record<string, unknown>;
      const Command = mod[`${name}Command`] as Ctor<unknown> | undefined;
      if (Command === undefined) throw new Error(`the AWS SDK has no ${operation}`);
      const client = await this.client(service, region, credentials, mod);
      return await client.send(new Command(input));
    } catch (err) {
      throw awsError(err, operation, where);
    }
  }

  /** Closes every client's connections. */
  close(): void {
    for (const c of this.clients.values()) void c.then((client) => client.destroy());
    this.clients.clear();
  }
}
