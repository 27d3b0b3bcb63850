// The cluster's PKI, kept in its state directory as kubeadm keeps /etc/kubernetes/pki: a CA that
// clients trust (the kubeconfig's certificate-authority-data) and the API server's serving
// certificate for 127.0.0.1 and localhost. Made once per cluster; the serving certificate is
// renewed when it nears expiry, so kubeconfigs written before stay valid as long as the CA does.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createCertificate } from '../util/x509';

export interface ServingPKI {
  /** PEM of the CA certificate clients trust. */
  caCert: string;
  /** The CA's private key: the controller manager's signers issue certificates with it (kube-controller-manager's --cluster-signing-key-file). */
  caKey: KeyObject;
  /** PEM of the serving certificate and its private key. */
  cert: string;
  key: string;
}

const day = 24 * 60 * 60 * 1000;
const caValidity = 10 * 365 * day;
const servingValidity = 365 * day;
/** Renew a serving certificate with less than this left (kubeadm renews within 30 days too). */
const renewBefore = 30 * day;

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writePrivate(file: string, text: string): Promise<void> {
  await fs.writeFile(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

function usable(pem: string | undefined, now: number, margin: number): boolean {
  if (!pem) return false;
  try {
    const cert = new X509Certificate(pem);
    return Date.parse(cert.validTo) - margin > now && Date.parse(cert.validFrom) <= now + day;
  } catch {
    return false;
  }
}

/** Loads the PKI from `dir`, creating (or renewing) what is missing or expiring. `now` is the cluster clock's. */
export async function ensureServingPKI(dir: string, now: number): Promise<ServingPKI> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { caCert: path.join(dir, 'ca.crt'), caKey: path.join(dir, 'ca.key'), cert: path.join(dir, 'apiserver.crt'), key: path.join(dir, 'apiserver.key') };
  // An hour back, so a client whose clock runs a little behind still accepts a fresh certificate.
  const notBefore = now - 60 * 60 * 1000;

  let caCert = await readIfExists(files.caCert);
  let caKeyPem = await readIfExists(files.caKey);
  let caRenewed = false;
  if (!caKeyPem || !usable(caCert, now, 0)) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    caKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    caCert = createCertificate({ publicKey: pair.publicKey, signingKey: pair.privateKey, commonName: 'kubeside-ca', notBefore, notAfter: now + caValidity, isCA: true });
    await writePrivate(files.caKey, caKeyPem);
    await fs.writeFile(files.caCert, caCert);
    caRenewed = true;
  }
  const caKey = createPrivateKey(caKeyPem);

  let cert = await readIfExists(files.cert);
  let key = await readIfExists(files.key);
  const signedByCA = (() => {
    try {
      return !!cert && new X509Certificate(cert).verify(createPublicKey(caKey));
    } catch {
      return false;
    }
  })();
  if (caRenewed || !key || !signedByCA || !usable(cert, now, renewBefore)) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    key = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    cert = createCertificate({
      publicKey: pair.publicKey,
      signingKey: caKey,
      issuer: { commonName: 'kubeside-ca', publicKey: createPublicKey(caKey) },
      commonName: 'kube-apiserver',
      notBefore,
      notAfter: now + servingValidity,
      isCA: false,
      dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
      ipAddresses: ['127.0.0.1', '::1'],
    });
    await writePrivate(files.key, key);
    await fs.writeFile(files.cert, cert);
  }
  return { caCert: caCert!, caKey, cert: cert!, key };
}

/**
 * The key service account tokens are signed with (kubeadm's `sa.key`): read from `dir`, or made
 * and written there (0600) when missing or unreadable, so tokens outlive a restart of the cluster.
 */
export async function ensureServiceAccountKey(dir: string): Promise<KeyObject> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'sa.key');
  const pem = await readIfExists(file);
  if (pem) {
    try {
      const key = createPrivateKey(pem);
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
    } catch {
      // Not a key: make a new one, as for a missing file (tokens signed with the old one stop working).
    }
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writePrivate(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  return privateKey;
}
