// Image references as containerd reports them in containerStatuses: `nginx`
// becomes image docker.io/library/nginx:latest and imageID
// docker.io/library/nginx@sha256:<digest> (docker/distribution
// reference.ParseNormalizedNamed, then the digest of what was pulled; here
// a stable made-up digest per image, so every node agrees).
import { stableHex, stableNumber } from './machine-identity.js';

/** The fully qualified reference: registry, repository, and a tag (`latest` when none) or digest. */
export function normalizeImage(image: string): string {
  const at = image.indexOf('@');
  const path = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at) : '';
  const slash = path.indexOf('/');
  const first = slash >= 0 ? path.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository = hasRegistry ? path : slash >= 0 ? `docker.io/${path}` : `docker.io/library/${path}`;
  const lastComponent = repository.slice(repository.lastIndexOf('/') + 1);
  if (!lastComponent.includes(':') && !digest) repository += ':latest';
  return repository + digest;
}

/** The repository without tag or digest. */
function repositoryOf(normalized: string): string {
  const at = normalized.indexOf('@');
  const path = at >= 0 ? normalized.slice(0, at) : normalized;
  const colon = path.lastIndexOf(':');
  return colon > path.lastIndexOf('/') ? path.slice(0, colon) : path;
}

/** imageID: `<repository>@sha256:<64 hex>`. */
export function imageID(image: string): string {
  const normalized = normalizeImage(image);
  const at = normalized.indexOf('@');
  if (at >= 0) return normalized;
  return `${repositoryOf(normalized)}@sha256:${stableHex(64, 'image', normalized)}`;
}

/** The tag of an image reference ('' for none). */
export function imageTag(image: string): string {
  const path = image.split('@')[0] ?? '';
  const colon = path.lastIndexOf(':');
  return colon > path.lastIndexOf('/') ? path.slice(colon + 1) : '';
}

/** A plausible compressed size, 2 to 200 MB, the same for every pull of one image. */
export function imageSizeBytes(image: string): number {
  return 2_000_000 + stableNumber(198_000_000, 'size', normalizeImage(image));
}

/** `containerd://<64 hex>` from the random source (a new id for every container start). */
export function newContainerID(random: () => number): string {
  let hex = '';
  while (hex.length < 64) hex += Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return `containerd://${hex.slice(0, 64)}`;
}
