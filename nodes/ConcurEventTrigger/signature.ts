import { constants, createPublicKey, verify, type KeyObject } from 'crypto';

/*
 * How a delivery's `Concur-Signature` is checked: the one assumption of this node. Concur publishes
 * its RSA public keys but not the algorithm nor the signed bytes. This follows the one public
 * third-party receiver we know of: RSA-PSS with MGF1-SHA256 and the maximum salt length, over the
 * SHA-256 digest of the raw request body, the signature base64 in the header. If Concur signs
 * otherwise, every delivery is answered 401 and Concur retries it for 72 hours: a mistake here
 * delays events and loses none, and the log line names the reason.
 */

/** Concur's published keys (concur-ess.md): the one in use since 2025-10-22, then the one before. */
export const CONCUR_PUBLIC_KEYS = [
	`-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuE2x914aLmJa9GSzVVcT
e6CEi3afbs84RIEhRoLO8oK2nBKKS0fyRfZtzUZIiD0kcjBjeLrMjJpC5oI6f709
DpGQSgL1ytzP9dnIp/n1lcCk88NA+ihJlHwB6gNX6lMbftTbCpxvkY6PZmjZfnw/
/Ito5iM2P2IY7oxK8GsYWXLnnMDw9ONnvxfPLoZLGxYXXs+zR2yGFiZ0wPRY6QJ+
NT0xusN2nacPPwtgQQoD/oh7QMaBhXZ7WLSM0Gm68/c2lzMjQjtXgwAyy1+5h4EH
YhasT+p98Q0P3LpMcX9wZN3hMqbhRiRaJAQffCdYgk2Kv6EjE2l88K8kXdsocIZc
iQIDAQAB
-----END PUBLIC KEY-----`,
	`-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2wJd8TVDGUxD00bCqemz
cptSfm7VGNa8Bm2DIpmqobzN6jv/HNzI3HPjeqcP1GtA4vjoFkFRaW2Qs286cI7e
9GcLbJP4mzww97LfbZYGTI+9SAlxDKEZl/AWbwTi6P8lOxho8fQ4Sv4eSK7hyL3l
I82XdBYJ2JWRpEQ1hZOui1f0BlFyqFVrEbzolE6S0eeP3gb1szFELz8ES5T4/T0o
Tz1KZE2knMsugAz760Mlmc7EuLutnNhfCZQypNUZ9fI2CMSZWHZa8IH9MCz/ywuE
NYp3hlsu0Q+oYeAwpDKyoWNLcV8pKaStVnP+3yn+/J3/oK4Rtqz/lKRrepxwTVRA
1wIDAQAB
-----END PUBLIC KEY-----`,
];

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** Every PEM public key block in a text (the node's field may hold several). */
export const pemBlocks = (text: string): string[] => text.match(PEM_BLOCK) ?? [];

export type SignatureCheck = { valid: true; key: number } | { valid: false; reason: string };

/** The keys, or the number (1-based) of the first that is not a PEM public key. */
function parseKeys(pems: string[]): KeyObject[] | number {
	const keys: KeyObject[] = [];
	for (const pem of pems) {
		try {
			keys.push(createPublicKey(pem));
		} catch {
			return keys.length + 1;
		}
	}
	return keys;
}

/** Checks `header` (the Concur-Signature value) over `rawBody` against each key; which key matched. */
export function checkSignature(
	rawBody: Buffer,
	header: string | undefined,
	pems: string[],
): SignatureCheck {
	if (!header) return { valid: false, reason: 'the request has no Concur-Signature header' };
	const signature = Buffer.from(header, 'base64');
	if (!signature.length || signature.toString('base64') !== header.replace(/\s/g, ''))
		return { valid: false, reason: 'the Concur-Signature header is not base64' };
	const keys = parseKeys(pems);
	if (typeof keys === 'number')
		return { valid: false, reason: `public key ${keys} is not a valid PEM public key` };
	const key = keys.findIndex((publicKey) =>
		verify(
			'sha256',
			rawBody,
			{
				key: publicKey,
				padding: constants.RSA_PKCS1_PSS_PADDING,
				saltLength: constants.RSA_PSS_SALTLEN_AUTO,
			},
			signature,
		),
	);
	if (key === -1)
		return {
			valid: false,
			reason: `the signature matches none of the ${keys.length} public keys (checked as RSA-PSS, MGF1-SHA256, over SHA-256 of the raw body)`,
		};
	return { valid: true, key };
}
