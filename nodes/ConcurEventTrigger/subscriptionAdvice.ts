/*
 * What Concur's answers to subscribing mean and what to do, in one place (concur-ess.md,
 * "Subscription API"). The node adds the facts (status, Concur's message) to each.
 */
export const ADVICE = {
	pastedToken:
		"Concur subscriptions need an App token, which only the client-credentials grant gives. In the SAP Concur credential choose Company Request Token or Refresh Token and enter the app's client ID and secret.",
	appToken:
		"Check the credential's client ID, client secret and data centre: the App token comes from the client-credentials grant with them.",
	unreachable: "Check the credential's data centre and the network.",
	noTopicScope:
		'Concur lists topics to an app only for the scopes it holds. Ask your SAP Concur contact to give the app the scope events.topic.read and the scope of the topic',
	maxSubscriptions:
		'Concur allows an app 5 subscriptions. Delete one you no longer need (DELETE /events/v4/subscriptions/{id} with an App token, or deactivate the workflow that owns it) and activate again. Subscriptions of this app:',
	idTaken:
		"Subscription ids are unique across all of Concur's apps and this one is used by another. It derives from this n8n instance, workflow and node: a copy of the node gets a new one.",
	endpoint:
		"Concur delivers only to a public HTTPS URL with a publicly trusted certificate. Set n8n's N8N_WEBHOOK_URL (WEBHOOK_URL on older n8n) to such an address (for example https://n8n.example.com/) and restart n8n.",
	noCompany:
		"Concur saved the subscription but names no company in it yet, so it delivers nothing. A company is connected to the app when the app obtains a company token: in the SAP Concur credential use Company Request Token (or Refresh Token) and run the credential's test, then activate again.",
	clientCredentialsOnly:
		'The credential uses Client Credentials, which never connects a company, so Concur would deliver nothing. Choose Company Request Token (or Refresh Token) in the credential, run its test, then activate again.',
	other: "Check the node's topic and events, and the app's scopes.",
} as const;
