/** The annotations' export and import panel, in a recording's view or on the project screen. */
import type { Locator, Page } from 'playwright-core';

export class AnnotationTransferPage {
  readonly details: Locator;

  constructor(page: Page) {
    this.details = page.locator('details.transfer');
  }

  /** the panel, opened */
  private async open(): Promise<Locator> {
    if (!(await this.details.evaluate((el) => (el as HTMLDetailsElement).open))) await this.details.locator('summary').click();
    return this.details;
  }

  /** exports the annotations as `format` to `path` (a job); resolves to the status line once it is done */
  async export(format: 'eaf' | 'csv', path: string): Promise<string> {
    const transfer = await this.open();
    await transfer.getByLabel('Export format').selectOption(format);
    await transfer.getByLabel('Export to').fill(path);
    await transfer.getByRole('button', { name: 'Export', exact: true }).click();
    return (
      (await transfer
        .getByRole('status')
        .filter({ hasText: /^Exported/ })
        .textContent()) ?? ''
    );
  }

  /** checks (dry run) or imports the annotations at `path` (a job); resolves to the report's counts */
  async import(path: string, how: 'Check' | 'Import'): Promise<{ added: number; conflicts: number; dryRun: boolean; text: string }> {
    const transfer = await this.open();
    await transfer.getByLabel('Import from').fill(path);
    await transfer.getByRole('button', { name: how, exact: true }).click();
    const report = transfer.locator(`[aria-label="Import report"][data-dry-run="${how === 'Check'}"]`);
    await report.waitFor();
    const [added, conflicts] = await Promise.all(['data-added', 'data-conflicts'].map(async (name) => Number(await report.getAttribute(name))));
    return { added, conflicts, dryRun: how === 'Check', text: (await report.textContent()) ?? '' };
  }
}
