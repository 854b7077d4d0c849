const crypto = require('node:crypto');
const {
	CONCUR_PUBLIC_KEYS,
	checkSignature,
	pemBlocks,
} = require('../../../dist/nodes/ConcurEventTrigger/signature');
const { sign, createSigningKeys } = require('../../../simulator/ess/signature');

const body = Buffer.from(JSON.stringify({ id: 'e1', topic: 'public.test', eventType: 'test' }));
const simulator = createSigningKeys();
const other = createSigningKeys();

test('a body signed with the key passes; the key that matched is named', () => {
	const keys = [...CONCUR_PUBLIC_KEYS, simulator.publicKeyPem];
	expect(checkSignature(body, sign(simulator.privateKey, body), keys)).toEqual({
		valid: true,
		key: 2,
	});
});

test('each of two keys passes what it signed', () => {
	const keys = [other.publicKeyPem, simulator.publicKeyPem];
	expect(checkSignature(body, sign(other.privateKey, body), keys)).toEqual({ valid: true, key: 0 });
	expect(checkSignature(body, sign(simulator.privateKey, body), keys)).toEqual({
		valid: true,
		key: 1,
	});
});

test('a tampered body fails', () => {
	const signature = sign(simulator.privateKey, body);
	const tampered = Buffer.from(body.toString().replace('e1', 'e2'));
	const check = checkSignature(tampered, signature, [simulator.publicKeyPem]);
	expect(check.valid).toBe(false);
	expect(check.reason).toMatch(/matches none of the 1 public keys/);
});

test("a signature by another key fails, Concur's two keys included", () => {
	const check = checkSignature(body, sign(other.privateKey, body), [
		...CONCUR_PUBLIC_KEYS,
		simulator.publicKeyPem,
	]);
	expect(check).toEqual({ valid: false, reason: expect.stringMatching(/none of the 3/) });
});

test('a missing or non-base64 header fails with its reason', () => {
	expect(checkSignature(body, undefined, CONCUR_PUBLIC_KEYS).reason).toMatch(/no Concur-Signature/);
	expect(checkSignature(body, 'not base64!', CONCUR_PUBLIC_KEYS).reason).toMatch(/not base64/);
});

test('the signature is RSA-PSS with SHA-256, not PKCS#1 v1.5', () => {
	const pkcs1 = crypto.sign('sha256', body, simulator.privateKey).toString('base64');
	expect(checkSignature(body, pkcs1, [simulator.publicKeyPem]).valid).toBe(false);
});

test("Concur's published keys are valid public keys, and the field takes several PEM blocks", () => {
	for (const pem of CONCUR_PUBLIC_KEYS) expect(() => crypto.createPublicKey(pem)).not.toThrow();
	expect(pemBlocks(`${simulator.publicKeyPem}\n${other.publicKeyPem}`)).toHaveLength(2);
	expect(
		checkSignature(body, 'AAAA', ['-----BEGIN PUBLIC KEY-----x-----END PUBLIC KEY-----']).reason,
	).toMatch(/public key 1 is not a valid PEM/);
});
