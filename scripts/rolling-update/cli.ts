// `kubelab rolling-update ...`: its flags, as old kubectl's (v1.17
// NewCmdRollingUpdate), and its errors printed as kubectl printed them.
import { parseArgs } from 'node:util';
import { ApiError } from '../../proto/index.js';
import { KubeClient, systemClock } from '../../client/index.js';
import { parseDuration } from '../../controllers/index.js';
import { loadKubeconfig } from '../kubeconfig.js';
import { RollingUpdateError, rollingUpdate, rollingUpdateDefaults } from './index.js';

export const rollingUpdateUsage = `Perform a rolling update of the given ReplicationController.

Replaces the specified replication controller with a new replication controller by updating one pod at a time to use the
new PodTemplate. The new-controller.json must specify the same namespace as the existing replication controller and
overwrite at least one (common) label in its replicaSelector.

Examples:
  # Update pods of frontend-v1 using new replication controller data in frontend-v2.json.
  kubelab rolling-update frontend-v1 -f frontend-v2.json

  # Update pods of frontend-v1 using JSON data passed into stdin.
  cat frontend-v2.json | kubelab rolling-update frontend-v1 -f -

  # Update the pods of frontend-v1 to frontend-v2 by just changing the image, and switching the
  # name of the replication controller.
  kubelab rolling-update frontend-v1 frontend-v2 --image=image:v2

  # Update the pods of frontend by just changing the image, and keeping the old name.
  kubelab rolling-update frontend --image=image:v2

  # Abort and reverse an existing rollout in progress (from frontend-v1 to frontend-v2).
  kubelab rolling-update frontend-v1 frontend-v2 --rollback

Options:
  -f, --filename FILE           the new controller (JSON or YAML; - for stdin)
      --image IMAGE             the new image; the new controller is OLD-<hash> unless NEW is given
      --container NAME          which container gets --image (needed with several)
      --image-pull-policy P     needed when --image is the current image
      --deployment-label-key K  the label telling the two apart with --image (default deployment)
      --rollback                turn back an interrupted update towards the old controller
      --dry-run                 say what would be rolled from and to, change nothing
      --update-period D         time between pod updates (default 1m0s)
      --poll-interval D         time between polls of the controllers' status (default 3s)
      --timeout D               how long without progress before giving up (default 5m0s)
  -n, --namespace NS            the namespace (default: the context's)
      --kubeconfig FILE         the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)
      --context NAME            the kubeconfig context (default: its current-context)

Usage:
  kubelab rolling-update OLD_CONTROLLER_NAME ([NEW_CONTROLLER_NAME] --image=NEW_CONTAINER_IMAGE | -f NEW_CONTROLLER_SPEC) [options]
`;

/** kubectl 1.17 took a bare --dry-run; later kubectl wants --dry-run=client. Both mean the same here. */
function normaliseDryRun(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => {
    if (arg === '--dry-run=client' || arg === '--dry-run=true') return ['--dry-run'];
    if (arg === '--dry-run=none' || arg === '--dry-run=false') return [];
    return [arg];
  });
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new RollingUpdateError(`invalid argument "${text}" for "--${flag}" flag: time: invalid duration "${text}"`, { usage: true });
  }
}

async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: normaliseDryRun(argv),
    allowPositionals: true,
    options: {
      filename: { type: 'string', short: 'f', multiple: true, default: [] },
      image: { type: 'string', default: '' },
      container: { type: 'string', default: '' },
      'image-pull-policy': { type: 'string', default: '' },
      'deployment-label-key': { type: 'string', default: rollingUpdateDefaults.deploymentKey },
      rollback: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'update-period': { type: 'string', default: '1m0s' },
      'poll-interval': { type: 'string', default: '3s' },
      timeout: { type: 'string', default: '5m0s' },
      namespace: { type: 'string', short: 'n' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(rollingUpdateUsage);
    return 0;
  }
  const kubeconfig = loadKubeconfig({ path: values.kubeconfig, context: values.context });
  await rollingUpdate(
    {
      client: new KubeClient({ server: kubeconfig.server, tls: kubeconfig.tls, bearerToken: kubeconfig.bearerToken, userAgent: 'kubelab-rolling-update/0.1.0' }),
      namespace: values.namespace || kubeconfig.namespace,
      clock: systemClock,
      print: (line) => process.stdout.write(`${line}\n`),
    },
    {
      args: positionals,
      filenames: values.filename,
      image: values.image,
      container: values.container,
      pullPolicy: values['image-pull-policy'],
      deploymentKey: values['deployment-label-key'],
      rollback: values.rollback,
      dryRun: values['dry-run'],
      updatePeriodMs: duration('update-period', values['update-period']),
      pollIntervalMs: duration('poll-interval', values['poll-interval']),
      timeoutMs: duration('timeout', values.timeout),
    },
  );
  return 0;
}

/** Runs the command; errors are printed as kubectl's CheckErr printed them, and answer exit code 1. */
export async function runRollingUpdate(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (error) {
    if (error instanceof ApiError) console.error(`Error from server (${error.reason}): ${error.message}`);
    else if (error instanceof RollingUpdateError && error.usage) console.error(`error: ${error.message}\nSee 'kubelab rolling-update -h' for help and examples`);
    else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
