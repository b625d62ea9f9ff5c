/** A kubeconfig for a fake API server: token auth, namespace `serving`. */
export const kubeconfig = (server: string) => `
apiVersion: v1
kind: Config
current-context: dev
clusters: [{ name: dev, cluster: { server: "${server}" } }]
contexts: [{ name: dev, context: { cluster: dev, user: ci, namespace: serving } }]
users: [{ name: ci, user: { token: kube-token } }]
`;
