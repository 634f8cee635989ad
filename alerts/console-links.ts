import type { Partition } from './transition';

/**
 * Console hosts per partition. The commercial console has Region-specific hosts
 * (`<region>.console.aws.amazon.com`, AWS General Reference "AWS Management Console endpoints");
 * the China and GovCloud consoles are documented under one host each and pick the Region
 * from the `region` query parameter.
 */
function consoleOrigin(partition: Partition, region: string): string {
  switch (partition) {
    case 'aws':
      return `https://${region}.console.aws.amazon.com`;
    case 'aws-cn':
      return 'https://console.amazonaws.cn';
    case 'aws-us-gov':
      return 'https://console.amazonaws-us-gov.com';
  }
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Link to the AWS Config rule's details page in the partition's console. */
export function configRuleConsoleUrl(partition: Partition, region: string, configRuleName: string): string {
  // The Region becomes part of a host name: refuse anything that could redirect the link elsewhere.
  if (!REGION_PATTERN.test(region)) throw new Error(`not a Region code: ${JSON.stringify(region)}`);
  const query = `region=${region}`;
  return `${consoleOrigin(partition, region)}/config/home?${query}#/rules/details?configRuleName=${encodeURIComponent(configRuleName)}`;
}
