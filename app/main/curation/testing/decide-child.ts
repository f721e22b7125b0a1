/**
 * TEST FIXTURE — never shipped. Run as a child process by the durability spec: records one
 * decision through the real handler, says so on stdout, then waits to be killed.
 */
import { EventBus } from '../../core/event-bus.ts';
import { Workspace } from '../../project/workspace.ts';
import { curationHandlers } from '../curation-api.ts';

const [projectPath, variantId, settingsDir] = process.argv.slice(2);
const events = new EventBus();
const workspace = new Workspace({ settingsDir, events, jobHandlers: () => [] });
await workspace.open(projectPath, 'open');
const handlers = curationHandlers(workspace, events, { settingsDir, actor: 'child' });
const result = await handlers['curation.decide']({ variantIds: [Number(variantId)], status: 'accepted' });
process.stdout.write(`decided ${result.actionId}\n`);
setInterval(() => undefined, 60_000);
