/** The project's gitignored folder for run journals, locks, state backups and other run-time files. */
export const WORK_DIR = ".crdr";
