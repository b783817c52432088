/** The web mode's file browser (components/FilePicker.svelte), opened by a Browse… button. */
import type { Locator, Page } from 'playwright-core';

export class FileBrowserPage {
  readonly dialog: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog', { name: /^(Choose|Save as)/ });
  }

  /** clicks the Browse… button named `label` and waits for the folder's listing */
  async open(scope: Locator, label: string): Promise<void> {
    await scope.getByRole('button', { name: label }).click();
    await this.dialog.and(this.page.locator('[data-dir]')).waitFor();
  }

  entries(): Locator {
    return this.dialog.getByRole('list', { name: 'Folder contents' }).getByRole('button');
  }

  /** the names listed now */
  async names(): Promise<string[]> {
    return (await this.entries().allTextContents()).map((t) => t.replace(/^[▸·]/, ''));
  }

  /** the folder listed */
  async folder(): Promise<string> {
    return (await this.dialog.getAttribute('data-dir')) ?? '';
  }

  async goTo(dir: string): Promise<void> {
    await this.dialog.getByLabel('Folder path').fill(dir);
    await this.dialog.getByLabel('Folder path').press('Enter');
    await this.page.locator(`dialog[open][data-dir="${dir}"]`).waitFor();
  }

  async up(): Promise<void> {
    const from = await this.folder();
    await this.dialog.getByRole('button', { name: 'Up', exact: true }).click();
    await this.page.waitForFunction((d) => document.querySelector('dialog[open]')?.getAttribute('data-dir') !== d, from);
  }

  /** clicks an entry: a folder opens, a file is selected */
  async click(name: string): Promise<void> {
    await this.entries()
      .filter({ hasText: new RegExp(`^.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
      .click();
  }

  async choose(): Promise<void> {
    await this.dialog.getByRole('button', { name: /^(Choose|Save here)/ }).click();
    await this.dialog.waitFor({ state: 'hidden' });
  }
}
