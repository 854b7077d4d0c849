// Runs nodes through real n8n-core (no server): WorkflowExecute for action nodes, PollContext for
// polling triggers, and a credentials helper that follows the rules of n8n's own CredentialsHelper
// (packages/cli/src/credentials-helper.ts), which n8n-core does not ship.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// n8n-core writes $N8N_USER_FOLDER/.n8n/config when it loads: never into the real home folder.
process.env.N8N_USER_FOLDER ??= fs.mkdtempSync(path.join(os.tmpdir(), 'concur-n8n-'));
// n8n logs every node error; the tests read the errors themselves.
process.env.N8N_LOG_LEVEL ??= 'silent';

const { Container } = require('@n8n/di');
const { ExecutionLifecycleHooks, PollContext, WorkflowExecute } = require('n8n-core');
const { NodeHelpers, Workflow, createRunExecutionData, deepCopy } = require('n8n-workflow');

/** A node that emits the given items, standing in for whatever precedes the node under test. */
function testItemsNode(items) {
	return class TestItems {
		description = {
			displayName: 'Test Items',
			name: 'testItems',
			group: ['input'],
			version: 1,
			description: 'Emits the test items',
			defaults: { name: 'Test Items' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		};

		async execute() {
			return [items.map((item) => ({ json: item.json }))];
		}
	};
}

class NodeTypes {
	constructor(classes) {
		this.types = new Map(
			classes.map((Class) => {
				const instance = new Class();
				return [instance.description.name, instance];
			}),
		);
	}

	getByName(name) {
		return this.types.get(name);
	}

	getByNameAndVersion(name, version) {
		return NodeHelpers.getVersionedNodeType(this.types.get(name), version);
	}

	getKnownTypes() {
		return {};
	}
}

/**
 * One stored credential, as n8n keeps it in its database: `getDecrypted` hands out a fresh copy
 * each call, `updateCredentials` replaces it (what n8n's save does).
 */
class CredentialStore {
	constructor({ credentialClass, data }) {
		this.type = new credentialClass();
		this.data = { ...data };
		this.history = [];
		this.updates = 0;
		this.preAuthCalls = 0;
	}

	get reference() {
		return { id: 'concur-credential', name: 'SAP Concur (test)' };
	}

	save(data) {
		this.history.push(this.data);
		this.data = deepCopy(data);
		this.updates++;
	}

	/** What n8n saves after a preAuthentication: the fields it returned, over the credential as stored now. */
	saveOutput(output) {
		this.save({ ...this.data, ...output });
	}

	/** The ICredentialsHelper n8n-core calls. */
	helper() {
		const store = this;
		const type = this.type;
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		return {
			getParentTypes: () => type.extends ?? [],
			isCredentialUsableByNode: () => true,
			getCredentialsProperties: () => type.properties,
			getDecrypted: async () => deepCopy(store.data),
			getCredentials: async () => ({ getData: () => deepCopy(store.data) }),
			updateCredentials: async (_reference, _type, data) => store.save(data),
			updateCredentialsOauthTokenData: async (_reference, _type, data) => store.save(data),
			runPreAuthentication: async (helpers, credentials) =>
				await type.preAuthentication.call(helpers, credentials),
			// As n8n's CredentialsHelper.preAuthentication: only when the expirable field is empty,
			// the token was found expired (a 401), or the credential is being tested; it saves what
			// the credential returns, and only when that holds the expirable field.
			async preAuthentication(helpers, credentials, _typeName, node, credentialsExpired) {
				if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
				const testing = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
				if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
				store.preAuthCalls++;
				const output = await type.preAuthentication.call(helpers, credentials);
				if (output[expirable.name] === undefined) return undefined;
				if (!node.credentials) return undefined;
				store.saveOutput(output);
				return Object.assign(credentials, output);
			},
			async authenticate(credentials, _typeName, requestOptions) {
				if (typeof type.authenticate === 'function')
					return await type.authenticate(credentials, requestOptions);
				return requestOptions;
			},
		};
	}
}

function additionalDataFor(credentials, hooks) {
	return {
		credentialsHelper: credentials?.helper(),
		hooks,
		executeWorkflow: async () => {
			throw new Error('not available in tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('not available in tests');
		},
	};
}

function nodeUnderTest(nodeClass, { parameters, credentials, nodeName, continueOnFail, onError }) {
	const type = new nodeClass();
	return {
		id: 'node-under-test',
		name: nodeName ?? type.description.defaults.name,
		type: type.description.name,
		typeVersion: type.description.version,
		position: [200, 0],
		parameters,
		credentials: credentials ? { [credentials.type.name]: credentials.reference } : undefined,
		onError: onError ?? (continueOnFail ? 'continueRegularOutput' : undefined),
	};
}

/** Runs [Test Items] -> [node under test] through WorkflowExecute; returns the node's outputs. */
async function runNode({
	nodeClass,
	parameters,
	items,
	credentials,
	nodeName,
	continueOnFail = false,
	onError,
}) {
	const node = nodeUnderTest(nodeClass, {
		parameters,
		credentials,
		nodeName,
		continueOnFail,
		onError,
	});
	const source = {
		id: 'items',
		name: 'Test Items',
		type: 'testItems',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test',
		nodes: [source, node],
		connections: { [source.name]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes: new NodeTypes([testItemsNode(items), nodeClass]),
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
		id: workflow.id,
		name: workflow.name,
		nodes: workflow.nodes,
		connections: workflow.connections,
	});
	const additionalData = additionalDataFor(credentials, hooks);
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: source,
		destinationNode: { nodeName: node.name, mode: 'inclusive' },
	});
	const runData = run.data.resultData.runData[node.name]?.[0];
	return {
		outputs: runData?.data?.main?.map((output) => output ?? []) ?? [],
		error: run.data.resultData.error ?? runData?.error,
		runData,
	};
}

/**
 * Runs a polling trigger's poll() through PollContext. `workflowState.staticData` is what n8n keeps
 * in its database: n8n saves a poll's static data only when the poll is a scheduled one ('trigger')
 * and returns data. `memory` is the running process: its static data survives between polls until
 * the test drops it (a restart), when the next poll starts from what was saved.
 */
async function runPoll({
	nodeClass,
	parameters,
	credentials,
	mode = 'trigger',
	workflowState,
	memory = {},
	nodeName,
}) {
	const node = nodeUnderTest(nodeClass, { parameters, credentials, nodeName });
	memory.staticData ??= deepCopy(workflowState.staticData);
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test',
		nodes: [node],
		connections: {},
		active: mode === 'trigger',
		nodeTypes: new NodeTypes([nodeClass]),
		staticData: { [`node:${node.name}`]: memory.staticData },
		settings: {},
	});
	const additionalData = additionalDataFor(credentials, undefined);
	const context = new PollContext(
		workflow,
		node,
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'trigger',
	);
	let result = null;
	let error;
	try {
		result = await nodeClass.prototype.poll.call(context);
	} catch (thrown) {
		error = thrown;
	}
	const nodeData = workflow.staticData[`node:${node.name}`];
	if (mode === 'manual') {
		// n8n does not keep what a manual poll changed, not even in memory.
		memory.staticData = deepCopy(workflowState.staticData);
	} else {
		memory.staticData = nodeData;
		if (!error && result !== null) workflowState.staticData = deepCopy(nodeData);
	}
	return { result, error };
}

/** Stops what n8n-core started that would keep the process alive. */
function shutdown() {
	for (const name of ['SSHClientsManager']) {
		try {
			const service = Container.get(require('n8n-core')[name]);
			service.shutdown?.();
		} catch {
			// not started
		}
	}
}

module.exports = {
	runNode,
	runPoll,
	CredentialStore,
	shutdown,
	// for rig/n8nWebhook.js
	NodeTypes,
	additionalDataFor,
	nodeUnderTest,
};
