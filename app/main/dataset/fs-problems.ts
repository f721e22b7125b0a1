import type { ImportProblem } from './import-item.ts';

/** Turns a failed file-system call on one entry into the row's reason, naming the entry. */
export function problemFromFsError(label: string, error: unknown): ImportProblem {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { code: 'FILE_MISSING', message: `${label} does not exist` };
    case 'ELOOP':
      return { code: 'SYMLINK_LOOP', message: `${label} is a symbolic link that loops back on itself` };
    case 'EACCES':
    case 'EPERM':
      return { code: 'UNREADABLE', message: `${label} cannot be read: permission denied` };
    case 'EISDIR':
      return { code: 'NOT_A_FILE', message: `${label} is a folder, not an image file` };
    default:
      return { code: 'UNREADABLE', message: `${label} cannot be read (${code ?? (error as Error).message})` };
  }
}
