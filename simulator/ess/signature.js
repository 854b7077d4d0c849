// How the simulator signs a delivery, the way the node verifies it. Concur publishes its public keys
// but not the algorithm; the assumption (RSA-PSS, MGF1-SHA256, maximum salt length, over SHA-256 of
// the raw body, base64 in `Concur-Signature`) lives here and in the node's signature.ts only.
const crypto = require('node:crypto');

const PSS = {
	padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
	saltLength: crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN,
};

/** The simulator's own key pair, new for each start: a user pastes its public key into the node. */
function createSigningKeys() {
	const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }), privateKey };
}

const sign = (privateKey, body) =>
	crypto.sign('sha256', Buffer.from(body), { key: privateKey, ...PSS }).toString('base64');

module.exports = { createSigningKeys, sign };
