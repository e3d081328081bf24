// The 409 of an apply that would change fields other managers own (upstream
// managedfields/internal/conflict.go NewConflictError and apimachinery
// errors.NewApplyConflict): one cause per field, type FieldManagerConflict.
import { ApiError } from '../../proto/index.js';
import { pathText, type FieldPath } from './field-set.js';
import { managerText, type ManagerEntry } from './managers.js';

export interface FieldConflict {
  readonly manager: ManagerEntry;
  readonly path: FieldPath;
}

export class ApplyConflictError extends ApiError {
  constructor(readonly conflicts: readonly FieldConflict[]) {
    super(409, 'Conflict', conflictMessage(conflicts), {
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${managerText(c.manager)}`, field: pathText(c.path) })),
    });
  }
}

function conflictMessage(conflicts: readonly FieldConflict[]): string {
  if (conflicts.length === 1) {
    const [only] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${managerText(only!.manager)}: ${pathText(only!.path)}`;
  }
  // Grouped by manager, managers sorted by name as upstream's getConflictMessage.
  const byManager = new Map<string, FieldConflict[]>();
  for (const conflict of conflicts) {
    const text = managerText(conflict.manager);
    byManager.set(text, [...(byManager.get(text) ?? []), conflict]);
  }
  const lines: string[] = [];
  for (const text of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${text}:`);
    for (const conflict of byManager.get(text)!) lines.push(`- ${pathText(conflict.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}
