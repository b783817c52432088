/** The Import panel's session and folder forms, filled through the file browser as a user does. */
import type { Locator, Page } from 'playwright-core';
import { FileBrowserPage } from './fileBrowserPage.ts';

export interface SessionFields {
  /** picked in the browser: the folder, then the file's name */
  video: [string, string];
  /** picked together in the browser: one folder, several names */
  sensors: [string, string[]];
  name: string;
  subject?: string;
  trial?: string;
  label?: string;
}

export class OwnImportPage {
  readonly panel: Locator;
  readonly files: FileBrowserPage;
  readonly preview: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByRole('form', { name: 'Import' });
    this.files = new FileBrowserPage(page);
    this.preview = this.panel.getByRole('region', { name: 'Import preview' });
  }

  private async pick(button: string, folder: string, names: string[]): Promise<void> {
    await this.files.open(this.panel, button);
    await this.files.goTo(folder);
    for (const name of names) await this.files.click(name);
    await this.files.choose();
  }

  async session(fields: SessionFields): Promise<void> {
    await this.panel.getByRole('radio', { name: 'Session' }).check();
    await this.pick('Browse for the session video', fields.video[0], [fields.video[1]]);
    await this.pick('Browse for the sensor files', fields.sensors[0], fields.sensors[1]);
    const texts: [string, string | undefined][] = [
      ['Name', fields.name],
      ['Subject', fields.subject],
      ['Trial', fields.trial],
      ['Label', fields.label],
    ];
    for (const [label, value] of texts) if (value !== undefined) await this.panel.getByLabel(label, { exact: true }).fill(value);
  }

  /** fills the folder form (the folder picked in the browser) and waits for its preview */
  async folder(dir: string, patterns: string, fields: { labels?: string; name?: string } = {}): Promise<void> {
    await this.panel.getByRole('radio', { name: 'Folder by pattern' }).check();
    await this.files.open(this.panel, 'Browse for the folder to import');
    await this.files.goTo(dir);
    await this.files.choose();
    await this.panel.getByLabel(/^Filename patterns/).fill(patterns);
    if (fields.labels !== undefined) await this.panel.getByLabel('Label codes').fill(fields.labels);
    if (fields.name !== undefined) await this.panel.getByLabel('Recording name').fill(fields.name);
    await this.panel.getByRole('button', { name: 'Preview' }).click();
    await this.preview.waitFor();
  }

  /** the preview table's rows: name, subject, trial, label, video, sensors, status */
  async previewRows(): Promise<string[][]> {
    return this.preview.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  }

  async start(): Promise<void> {
    await this.panel.getByRole('button', { name: 'Start import' }).click();
  }
}
