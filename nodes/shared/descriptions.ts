import type { INodeProperties } from 'n8n-workflow';

/** What both nodes show for reading the failed-notification queue. */
export const responseFormatProperty: INodeProperties = {
	displayName: 'Response Format',
	name: 'responseFormat',
	type: 'options',
	default: 'xml',
	options: [
		{ name: 'XML (Concur Default)', value: 'xml' },
		{ name: 'JSON', value: 'json' },
	],
	description: 'The format Concur is asked for. The output is the same either way.',
};
