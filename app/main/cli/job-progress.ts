import type { ApiClient } from '#api/client.ts';
import type { JobStatus } from '#api/jobs.ts';

const terminal = new Set(['done', 'failed', 'cancelled']);

/** Follows one job to its end, drawing progress on stderr, and resolves with its final status. */
export function followJob(client: ApiClient, jobId: number): Promise<JobStatus> {
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  return new Promise((resolve) => {
    const draw = (status: JobStatus): void => {
      const pct = status.total > 0 ? Math.floor((100 * status.done) / status.total) : 0;
      const eta = status.etaSeconds === null ? '' : ` eta ${Math.ceil(status.etaSeconds)}s`;
      const line = `${status.kind} ${status.done}/${status.total} (${pct}%)${eta} ${status.message ?? ''}`.trimEnd();
      if (tty) process.stderr.write(`\r\x1b[2K${line}`);
      else if (Date.now() - lastLine > 2000 || terminal.has(status.state)) {
        lastLine = Date.now();
        process.stderr.write(`${line}\n`);
      }
    };
    const finish = (status: JobStatus): void => {
      off();
      if (tty) process.stderr.write('\n');
      resolve(status);
    };
    const off = client.on('job.updated', (status) => {
      if (status.id !== jobId) return;
      draw(status);
      if (terminal.has(status.state)) finish(status);
    });
    void client.call('jobs.list', { limit: 500 }).then((jobs) => {
      const current = jobs.find((job) => job.id === jobId);
      if (current && terminal.has(current.state)) finish(current);
    });
  });
}
