// Client certificate authentication, as upstream's
// staging/src/k8s.io/apiserver/pkg/authentication/request/x509: the TLS
// handshake asks for a certificate (requestCert) without demanding one
// (rejectUnauthorized false, so an anonymous client still reaches the public
// paths); a certificate that does not chain to --client-ca-file is refused
// with 401, and a good one names the user by its CN and the groups by its O
// (CommonNameUserConversion).
import { TLSSocket } from 'node:tls';
import type { Authenticator } from './auth.js';
import { unauthorized } from './auth.js';

/** The user a verified client certificate names; undefined when the connection is not TLS or sent no certificate. */
export const x509Authenticator: Authenticator = (request) => {
  const socket = request.raw.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.subject) return undefined;
  if (!socket.authorized) {
    // as upstream: "verifying certificate ... failed: x509: certificate signed by unknown authority"
    request.log.debug({ reason: String(socket.authorizationError), subject: peer.subject }, 'client certificate refused');
    throw unauthorized();
  }
  const commonName = first(peer.subject.CN);
  if (!commonName) {
    request.log.debug({ subject: peer.subject }, 'client certificate refused: common name of the provided certificate is empty');
    throw unauthorized();
  }
  return { username: commonName, groups: all(peer.subject.O) };
};

// node's subject fields are a string, or an array when the name repeats an attribute (O=a, O=b).
function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
