/**
 * The credential every node of the pack authenticates with (credentials/SapConcurApi.credentials.ts
 * declares it); its own file so that a node's description needs nothing else to name it.
 */
export const CREDENTIAL_NAME = 'sapConcurApi';
