/**
 * TEST FIXTURE — never shipped. Run as a child process by the export spec: starts an export, says
 * "paused" on stdout after a few files and stalls there, so the spec can SIGKILL it mid-way.
 */
import { ExportSettings } from '#api/export.ts';
import { EventBus } from '../../core/event-bus.ts';
import { Workspace } from '../../project/workspace.ts';
import { exportProject } from '../export-service.ts';

const [projectPath, settingsJson, settingsDir] = process.argv.slice(2);
const workspace = new Workspace({ settingsDir, events: new EventBus(), jobHandlers: () => [] });
await workspace.open(projectPath, 'open');
await exportProject(workspace.require(), ExportSettings.parse(JSON.parse(settingsJson)), {
  progress: async (done) => {
    if (done < 3) return;
    process.stdout.write('paused\n');
    await new Promise(() => undefined);
  },
});
