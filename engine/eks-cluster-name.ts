/**
 * What EKS accepts as a cluster name (CreateCluster `name`): a letter or digit, then letters, digits, `-` and `_`; at
 * most 100 characters. The state store's keys, the drift path's event parsing and the fix script rely on it.
 */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
