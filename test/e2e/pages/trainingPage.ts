/**
 * The training screen as a user sees it: the run form, the progress of the running job, the curves,
 * the runs table, the methods compared, the selected run's confusion matrix and a student's export.
 */
import type { Locator, Page } from 'playwright-core';

export interface RunSettings {
  backend?: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  epochs?: number;
  batch?: number;
  width?: number;
  gafSize?: number;
}

export interface ExportSettings {
  format: 'onnx' | 'tfjs';
  quantize?: ('float16' | 'int8')[];
  /** the output folder; the default (next to the project) when not given */
  out?: string;
}

export class TrainingPage {
  readonly screen: Locator;
  readonly form: Locator;
  readonly progress: Locator;
  readonly progressBar: Locator;
  readonly lossChart: Locator;
  readonly accuracyChart: Locator;
  readonly confusion: Locator;
  readonly comparison: Locator;
  readonly alerts: Locator;
  readonly exportPanel: Locator;
  readonly exportReport: Locator;

  constructor(readonly page: Page) {
    this.screen = page.getByRole('region', { name: 'Training', exact: true });
    this.form = page.getByRole('form', { name: 'New run' });
    this.progress = page.getByRole('region', { name: 'Training progress' });
    this.progressBar = page.getByRole('progressbar', { name: 'Run progress' });
    this.lossChart = page.getByRole('figure', { name: /^Loss per epoch/ });
    this.accuracyChart = page.getByRole('figure', { name: 'Accuracy per epoch' });
    this.confusion = page.getByRole('table', { name: 'Confusion matrix' });
    this.comparison = page.getByRole('table', { name: 'Methods compared' });
    this.alerts = page.getByRole('alert');
    this.exportPanel = page.getByRole('region', { name: /^Export run #\d+$/ });
    this.exportReport = this.exportPanel.getByRole('table', { name: 'Export report' });
  }

  /** from the project screen */
  async open(): Promise<void> {
    await this.page.getByRole('button', { name: 'Training →' }).click();
    await this.screen.waitFor();
  }

  /** the dataset builder, opened from the run form's New… */
  get builder(): Locator {
    return this.page.getByRole('form', { name: 'New dataset' });
  }

  async openBuilder(): Promise<Locator> {
    if (!(await this.builder.isVisible())) await this.form.getByRole('button', { name: 'New…' }).click();
    await this.builder.waitFor();
    return this.builder;
  }

  /** waits until the builder's preview is of the fields as they are, then reads its counts: class → split → samples */
  async preview(): Promise<{ description: string; perClass: Record<string, Record<string, number>>; totals: Record<string, number>; text: string }> {
    const preview = this.builder.getByRole('region', { name: 'Dataset preview' });
    await this.builder.locator('[aria-label="Dataset preview"][data-fresh="true"][aria-busy="false"]').waitFor();
    return preview.evaluate((section) => {
      const perClass: Record<string, Record<string, number>> = {};
      for (const row of section.querySelectorAll('tbody tr[data-class]')) {
        const name = row.getAttribute('data-class')!;
        perClass[name] = Object.fromEntries([...row.querySelectorAll('td[data-split]')].map((td) => [td.getAttribute('data-split')!, Number(td.textContent)]));
      }
      const totals = Object.fromEntries(
        [...section.querySelectorAll('td[data-total]')].map((td) => [td.getAttribute('data-split')!, Number(td.getAttribute('data-total'))]),
      );
      return { description: section.querySelector('.description')?.textContent ?? '', perClass, totals, text: section.textContent ?? '' };
    });
  }

  /** creates the dataset the builder shows, which the run form then picks */
  async createBuilt(name: string): Promise<void> {
    await this.builder.getByLabel('Dataset name').fill(name);
    await this.preview();
    await this.builder.getByRole('button', { name: 'Create dataset' }).click();
    await this.builder.waitFor({ state: 'detached' });
  }

  /** splits the project's recordings by `protocol` into a new dataset, which the form then picks */
  async createDataset(name: string, protocol: 'cross-subject' | 'subject-specific', validationPercent: number): Promise<void> {
    const builder = await this.openBuilder();
    await builder.getByLabel('Split by').selectOption(protocol);
    await builder.getByLabel('Validation %').fill(String(validationPercent));
    await this.createBuilt(name);
  }

  /** the dataset picked, as the menu shows it */
  async dataset(): Promise<string> {
    return this.form.getByLabel('Dataset', { exact: true }).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '');
  }

  async pickDataset(label: string): Promise<void> {
    await this.form.getByLabel('Dataset', { exact: true }).selectOption({ label });
  }

  async pickMethod(name: string): Promise<void> {
    await this.form.getByLabel('Method').selectOption(name);
  }

  /** the loss weights the form offers for the picked method: label and default (the placeholder) */
  async lossWeights(): Promise<[string, string][]> {
    const group = this.form.getByRole('group', { name: 'Loss weights' });
    if ((await group.count()) === 0) return [];
    return group
      .locator('label')
      .evaluateAll((labels) => labels.map((l) => [l.textContent?.trim() ?? '', l.querySelector('input')?.placeholder ?? ''] as [string, string]));
  }

  /** the split sizes shown under the dataset menu */
  async splitSizes(): Promise<string> {
    return (await this.form.locator('.hint').first().textContent()) ?? '';
  }

  async configure(settings: RunSettings): Promise<void> {
    if (settings.backend) await this.form.getByLabel('Backend').selectOption(settings.backend);
    const numbers: [string, number | undefined][] = [
      ['Epochs', settings.epochs],
      ['Batch', settings.batch],
      ['Width', settings.width],
      ['GAF size', settings.gafSize],
    ];
    for (const [label, value] of numbers) if (value !== undefined) await this.form.getByLabel(label, { exact: true }).fill(String(value));
  }

  async start(): Promise<void> {
    await this.form.getByRole('button', { name: 'Start' }).click();
  }

  async cancel(): Promise<void> {
    await this.progress.getByRole('button', { name: 'Cancel' }).click();
  }

  /** the row of run `runId` in the runs table */
  run(runId: number): Locator {
    return this.page.locator(`table.runs tr[data-run-id="${runId}"]`);
  }

  async waitForStatus(runId: number, status: string, timeout = 120_000): Promise<void> {
    await this.page.locator(`table.runs tr[data-run-id="${runId}"][data-status="${status}"]`).waitFor({ timeout });
  }

  /** the completed epochs the loss chart plots */
  async plottedEpochs(): Promise<number> {
    return Number(await this.lossChart.getAttribute('data-epochs'));
  }

  /** waits until the loss chart plots at least `count` epochs */
  async waitForEpochs(count: number, timeout = 60_000): Promise<void> {
    await this.page.waitForFunction((n) => Number(document.querySelector('figure.chart')?.getAttribute('data-epochs') ?? 0) >= n, count, { timeout });
  }

  /** opens the export panel of a finished student run from its row */
  async openExport(runId: number): Promise<void> {
    await this.run(runId).getByRole('button', { name: 'Export…' }).click();
    await this.exportPanel.waitFor();
  }

  /** fills the export form and starts the export */
  async exportRun({ format, quantize = [], out }: ExportSettings): Promise<void> {
    const form = this.exportPanel.getByRole('form', { name: 'Export settings' });
    await form.getByLabel('Format').selectOption(format);
    for (const [label, q] of [
      ['float16', 'float16'],
      ['int8 weights', 'int8'],
    ] as const) {
      const box = form.getByLabel(label);
      if (await box.isEnabled()) await box.setChecked(quantize.includes(q));
    }
    if (out !== undefined) await form.getByLabel('Output folder').fill(out);
    await form.getByRole('button', { name: 'Export' }).click();
  }

  /** the model files the export report lists, in order */
  async exportedFiles(): Promise<string[]> {
    return this.exportReport.locator('tbody tr[data-file]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-file') ?? ''));
  }

  /** the folder the export report says it wrote */
  async exportFolder(): Promise<string> {
    return (await this.exportPanel.locator('code.out').textContent()) ?? '';
  }

  async closeExport(): Promise<void> {
    await this.exportPanel.getByRole('button', { name: 'Close' }).click();
    await this.exportPanel.waitFor({ state: 'detached' });
  }
}
