/**
 * The CloudTrail metric filters the CIS CloudWatch controls (CloudWatch.1 to CloudWatch.14) look
 * for, as the Security Hub control reference and the CIS AWS Foundations Benchmark give them: one
 * playbook serves the family, each control filling in its own filter pattern and names.
 */

/** A CIS metric filter: the name used for the filter, its metric and its alarm, and its pattern. */
export interface MetricFilter {
  name: string;
  /** What the alarm watches, in words. */
  watches: string;
  pattern: string;
}

const events = (names: readonly string[]): string => names.map((n) => `($.eventName=${n})`).join('||');

const FILTERS: Record<string, MetricFilter> = {
  'CloudWatch.1': { name: 'RootAccountUsage', watches: 'use of the root user', pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}' },
  'CloudWatch.2': { name: 'UnauthorizedAPICalls', watches: 'unauthorized API calls', pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}' },
  'CloudWatch.3': { name: 'ConsoleSignInWithoutMFA', watches: 'console sign-in without MFA', pattern: '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes") && ($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")}' },
  'CloudWatch.4': {
    name: 'IAMPolicyChanges',
    watches: 'IAM policy changes',
    pattern: `{${events(['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'])}}`,
  },
  'CloudWatch.5': { name: 'CloudTrailChanges', watches: 'CloudTrail configuration changes', pattern: `{${events(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'])}}` },
  'CloudWatch.6': { name: 'ConsoleAuthenticationFailures', watches: 'console authentication failures', pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}' },
  'CloudWatch.7': { name: 'DisableOrDeleteCMK', watches: 'disabling or scheduled deletion of customer managed keys', pattern: '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}' },
  'CloudWatch.8': {
    name: 'S3BucketPolicyChanges',
    watches: 'S3 bucket policy changes',
    pattern: `{($.eventSource=s3.amazonaws.com) && (${events(['PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication'])})}`,
  },
  'CloudWatch.9': { name: 'AWSConfigChanges', watches: 'AWS Config configuration changes', pattern: `{($.eventSource=config.amazonaws.com) && (${events(['StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder'])})}` },
  'CloudWatch.10': { name: 'SecurityGroupChanges', watches: 'security group changes', pattern: `{${events(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'])}}` },
  'CloudWatch.11': { name: 'NACLChanges', watches: 'network ACL changes', pattern: `{${events(['CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'])}}` },
  'CloudWatch.12': { name: 'NetworkGatewayChanges', watches: 'network gateway changes', pattern: `{${events(['CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway'])}}` },
  'CloudWatch.13': { name: 'RouteTableChanges', watches: 'route table changes', pattern: `{${events(['CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable'])}}` },
  'CloudWatch.14': {
    name: 'VPCChanges',
    watches: 'VPC changes',
    pattern: `{${events(['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink'])}}`,
  },
};

/** The metric filter control `id` asks for, or undefined for any other control. */
export function metricFilterOf(id: string): MetricFilter | undefined {
  return Object.hasOwn(FILTERS, id) ? FILTERS[id] : undefined;
}
