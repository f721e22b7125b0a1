/**
 * TEST SUPPORT — one process that races for a project's lock when told: on IPC {type:'race', path,
 * at} it waits until the wall-clock time `at`, opens the project as `likeness` does and reports
 * {held} (or the error it got); {type:'release'} closes it again; {type:'hold-and-die'} opens it
 * and is then killed by the parent, leaving the lock stale the way a crash does.
 */
import { ApiError } from '#api/errors.ts';
import { ProjectSession } from '../../../app/main/project/project-session.ts';

const deps = { jobHandlers: () => [], onJobUpdate: () => {} };
let session: ProjectSession | null = null;

process.on('message', (message: { type: string; path?: string; at?: number }) => {
  if (message.type === 'race' || message.type === 'hold-and-die') {
    const at = message.at ?? 0;
    const go = (): void => {
      while (Date.now() < at) {
        // Spin the last millisecond so both contenders start as close together as the clock allows.
      }
      try {
        session = ProjectSession.open(message.path!, 'open', deps);
        process.send!({ type: 'result', held: true });
      } catch (error) {
        process.send!({
          type: 'result',
          held: false,
          code: error instanceof ApiError ? error.code : 'THROWN',
          message: (error as Error).message,
        });
      }
    };
    setTimeout(go, Math.max(0, at - Date.now() - 1));
  } else if (message.type === 'release') {
    const closing = session;
    session = null;
    void (closing?.close() ?? Promise.resolve()).then(() => process.send!({ type: 'released' }));
  }
});
process.send!({ type: 'ready' });
