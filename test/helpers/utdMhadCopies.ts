import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtures } from './tmp.ts';

/**
 * A UTD-MHAD folder of `trials` trials per mini-fixture sequence (a1/a2 × s1/s2): the same files under
 * more names, for an import with depth video that runs long enough to be cancelled midway.
 */
export function utdMhadCopies(dir: string, trials: number): string {
  const mini = join(fixtures, 'utd-mhad-mini');
  for (const folder of ['Inertial', 'Depth', 'Skeleton']) mkdirSync(join(dir, folder), { recursive: true });
  copyFileSync(join(mini, 'actions.tsv'), join(dir, 'actions.tsv'));
  copyFileSync(join(mini, 'Skeleton', 'Skeleton_joint_order.txt'), join(dir, 'Skeleton', 'Skeleton_joint_order.txt'));
  for (const sequence of ['a1_s1', 'a1_s2', 'a2_s1', 'a2_s2'])
    for (let trial = 1; trial <= trials; trial++)
      for (const [folder, modality] of [
        ['Inertial', 'inertial'],
        ['Depth', 'depth'],
        ['Skeleton', 'skeleton'],
      ]) {
        copyFileSync(join(mini, folder, `${sequence}_t1_${modality}.mat`), join(dir, folder, `${sequence}_t${trial}_${modality}.mat`));
      }
  return dir;
}
