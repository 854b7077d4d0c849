// Concur Notify as an AI Agent's tool in a real n8n: the model (a scripted stand-in on loopback)
// calls the tool, the simulator receives exactly that message, and a bad argument comes back to
// the model as a tool error while the execution succeeds.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createInstance, itemsOf, runtime } = require('../../rig/n8nInstance');
const { startScriptedModel } = require('./aiToolModel');
const { openBrowser } = require('./browser');

const PORT = 5862;
const shots =
	process.env.CONCUR_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'concur-shots-'));
const ANA = '3b7cf3c2-5632-4b92-909d-3fb64afebede';
let n8n;
let model;

/** What the editor writes when a parameter is left to the model, with the description typed in its box. */
const fromAI = (key, description) =>
	`={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', \`${description}\`, 'string') }}`;

const agentWorkflow = {
	id: 'concurAiAgent',
	name: 'AI agent with the Concur Notify tool (e2e)',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'a1',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'a2',
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3.1,
			position: [220, 0],
			parameters: {
				promptType: 'define',
				text: 'Tell Ana Silva (Concur user 3b7cf3c2-5632-4b92-909d-3fb64afebede) that her Lisbon trip needs a visa. Session trip-2001.',
				options: {},
			},
		},
		{
			id: 'a3',
			name: 'Stand-in model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.2,
			position: [120, 220],
			parameters: { model: { __rl: true, mode: 'id', value: 'stand-in' }, options: {} },
			credentials: { openAiApi: { id: 'standInModel', name: 'Stand-in model' } },
		},
		{
			id: 'a4',
			name: 'Send Concur message',
			type: 'n8n-nodes-sap-concur.concurNotifyTool',
			typeVersion: 1,
			position: [320, 220],
			parameters: {
				resource: 'message',
				operation: 'send',
				userId: fromAI('User_ID', "The Concur user's UUID, who receives the message"),
				sessionId: fromAI(
					'Session_ID',
					'The session the message belongs to, from the travel booking event',
				),
				templateId: 'visa-required',
				contextUrl: 'https://www.example.com/visa',
				additionalContext: {
					field: [
						{ name: 'destination', value: fromAI('destination', 'The city the trip goes to') },
					],
				},
				options: {},
			},
			credentials: { sapConcurApi: { id: 'concurSimulator', name: 'SAP Concur (simulator)' } },
		},
	],
	connections: {
		Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
		'Stand-in model': {
			ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
		},
		'Send Concur message': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
	},
};

beforeAll(async () => {
	model = await startScriptedModel();
	n8n = await createInstance({ port: PORT });
	const workflow = path.join(n8n.userFolder, 'agent.json');
	fs.writeFileSync(workflow, JSON.stringify(agentWorkflow));
	const standIn = {
		id: 'standInModel',
		name: 'Stand-in model',
		type: 'openAiApi',
		data: { apiKey: 'stand-in-key', url: model.url, header: false },
	};
	await runtime.importIntoN8n(
		n8n.userFolder,
		PORT,
		[runtime.simulatorCredential(n8n.sim), standIn],
		[workflow],
	);
}, 600_000);
afterAll(async () => {
	await n8n?.close();
	await model?.close();
});

const runAgent = async (toolArguments) => {
	model.requests.length = 0;
	model.toolArguments = toolArguments;
	n8n.sim.state.resetStats();
	return await n8n.execute('concurAiAgent');
};
const toolAnswer = () => model.requests.at(-1).body.messages.at(-1);
let toldTheModel;

test('the model calls the Concur Notify tool, and Concur receives exactly that message', async () => {
	const { runData, error } = await runAgent({
		User_ID: ANA,
		Session_ID: 'trip-2001',
		destination: 'Lisbon',
	});
	expect(error).toBeUndefined();
	toldTheModel = model.requests[0].body.tools;
	expect(n8n.sim.state.stats().messages).toEqual([
		{
			userId: ANA,
			sessionId: 'trip-2001',
			templateId: 'visa-required',
			context: { url: 'https://www.example.com/visa', destination: 'Lisbon' },
			correlationId: expect.any(String),
			receivedAt: expect.any(Number),
		},
	]);
	expect(toolAnswer()).toMatchObject({
		role: 'tool',
		content: expect.stringContaining('"sent":true'),
	});
	expect(itemsOf(runData, 'AI Agent')[0].json.output).toMatch(/^The tool answered: .*"sent":true/);
}, 180_000);

test("what the model is told: the tool's name, description and parameters", () => {
	expect(toldTheModel).toEqual([
		{
			type: 'function',
			function: expect.objectContaining({
				name: 'Send_Concur_message',
				description: 'Send a message in Concur Notify',
				parameters: expect.objectContaining({
					type: 'object',
					required: ['User_ID', 'Session_ID', 'destination'],
					properties: {
						User_ID: {
							type: 'string',
							description: "The Concur user's UUID, who receives the message",
						},
						Session_ID: {
							type: 'string',
							description: 'The session the message belongs to, from the travel booking event',
						},
						destination: { type: 'string', description: 'The city the trip goes to' },
					},
				}),
			}),
		},
	]);
});

test('a user ID that is no UUID comes back to the model as a clear tool error; the execution succeeds', async () => {
	const { runData, error } = await runAgent({
		User_ID: 'Ana Silva',
		Session_ID: 'trip-2001',
		destination: 'Lisbon',
	});
	expect(error).toBeUndefined();
	expect(toolAnswer()).toMatchObject({
		role: 'tool',
		content: expect.stringContaining('User ID \\"Ana Silva\\" is not a Concur user UUID'),
	});
	expect(itemsOf(runData, 'AI Agent')).toHaveLength(1);
	expect(n8n.sim.state.stats().messages).toEqual([]);
}, 180_000);

test('the picture for the README: the agent, its model and the Concur Notify tool in the editor', async () => {
	const server = await n8n.start();
	const { browser, page } = await openBrowser(server.url, await runtime.ownerSession(server.url));
	try {
		await page.goto(`${server.url}/workflow/concurAiAgent`);
		await page
			.locator('[data-test-id="canvas-node"][data-node-name="Send Concur message"]')
			.dblclick();
		await page.getByTestId('ndv').waitFor();
		await page.getByText('Defined automatically by the model').first().waitFor();
		await page.screenshot({ path: path.join(shots, 'ai-agent-tool.png') });
	} finally {
		await browser.close();
		await server.stop();
	}
}, 180_000);
