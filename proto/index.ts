// proto/: the contract between the processes (DESIGN.md "Folders"). No I/O.
export * from './catalogue.js';
export * from './status.js';
export * from './selectors/index.js';
export * from './remote-command.js';
export * from './duration.js';
export * from './rbac-aggregation.js';
