import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderBackground, renderPose, toPixel, type View } from '../../main/datasets/demo/figure.ts';
import { createCanvas, drawLine, fillCircle, fillRect, type Canvas } from '../../main/datasets/demo/raster.ts';
import { mulberry32 } from '../../main/random.ts';
import { makeBody, makeMotion, poseAt } from '../../main/datasets/demo/skeleton.ts';

const red = (canvas: Canvas, i: number, j: number) => canvas.data[(j * canvas.width + i) * 3];

/** The (i, j) of every pixel whose red channel is not 0. */
function lit(canvas: Canvas): string[] {
  const out: string[] = [];
  for (let j = 0; j < canvas.height; j++) for (let i = 0; i < canvas.width; i++) if (red(canvas, i, j) > 0) out.push(`${i},${j}`);
  return out;
}

describe('demo rasterizer', () => {
  it('a one-pixel horizontal line through pixel centres lights exactly the pixels it passes', () => {
    const canvas = createCanvas(12, 10, [0, 0, 0]);
    drawLine(canvas, [2.5, 5.5], [8.5, 5.5], 1, [255, 255, 255]);
    assert.deepEqual(lit(canvas), ['2,5', '3,5', '4,5', '5,5', '6,5', '7,5', '8,5']);
    for (let i = 2; i <= 8; i++) assert.equal(red(canvas, i, 5), 255);
  });

  it('a diagonal line is full on its pixels and anti-aliased beside them', () => {
    const canvas = createCanvas(12, 12, [0, 0, 0]);
    drawLine(canvas, [1.5, 1.5], [9.5, 9.5], 1, [200, 200, 200]);
    for (let i = 1; i <= 9; i++) assert.equal(red(canvas, i, i), 200, `(${i},${i})`);
    for (let i = 2; i <= 8; i++) {
      const beside = red(canvas, i + 1, i);
      assert.ok(beside > 0 && beside < 200, `(${i + 1},${i}) = ${beside}`);
      assert.equal(red(canvas, i + 2, i), 0);
    }
  });

  it('a thick line covers its width, and colours blend with the background', () => {
    const canvas = createCanvas(20, 20, [100, 0, 0]);
    drawLine(canvas, [10, 2], [10, 18], 4, [200, 0, 0]);
    // columns 8..11 lie within 2 px of x = 10; 7 and 12 are outside by half a pixel
    for (const i of [8, 9, 10, 11]) assert.equal(red(canvas, i, 10), 200);
    for (const i of [7, 12]) assert.equal(red(canvas, i, 10), 100);
    // 3 px wide: the centres of columns 8 and 11 lie on its edges, so they get half the colour
    const half = createCanvas(20, 20, [100, 0, 0]);
    drawLine(half, [10, 2], [10, 18], 3, [200, 0, 0]);
    assert.deepEqual(
      [7, 8, 9, 10, 11, 12].map((i) => red(half, i, 10)),
      [100, 150, 200, 200, 150, 100],
    );
  });

  it('a disc covers about its area and is full at the centre', () => {
    const canvas = createCanvas(20, 20, [0, 0, 0]);
    fillCircle(canvas, [10, 10], 4, [255, 0, 0]);
    let area = 0;
    for (let j = 0; j < 20; j++) for (let i = 0; i < 20; i++) area += red(canvas, i, j) / 255;
    assert.ok(Math.abs(area - Math.PI * 16) < 0.5, `area ${area}`);
    assert.equal(red(canvas, 9, 9), 255);
    assert.equal(red(canvas, 4, 9), 0);
  });

  it('clips shapes to the canvas', () => {
    const canvas = createCanvas(8, 8, [0, 0, 0]);
    fillRect(canvas, -5, 6, 20, 30, [9, 9, 9]);
    drawLine(canvas, [-10, -10], [30, 30], 2, [50, 50, 50]);
    fillCircle(canvas, [100, 100], 5, [70, 70, 70]);
    assert.equal(canvas.data.length, 8 * 8 * 3);
    assert.equal(red(canvas, 0, 7), 9);
    assert.equal(red(canvas, 3, 3), 50);
  });
});

describe('demo figure', () => {
  it('draws the right arm (orange) on the image left and the left arm (blue) on the right', () => {
    const rng = mulberry32(5);
    const body = makeBody(rng);
    const motion = makeMotion('wave', body, 4, rng);
    const view: View = { width: 160, height: 120, scale: 45, originX: 80, floorY: 112, wall: [220, 220, 220], floor: [150, 130, 110] };
    const pose = poseAt(motion, 0);
    const frame = renderPose(pose, view, renderBackground(view), body.headRadius);
    const at = (joint: 'rightElbow' | 'leftElbow' | 'head') => {
      const [x, y] = toPixel(view, pose[joint]);
      const k = (Math.floor(y) * view.width + Math.floor(x)) * 3;
      return [frame[k], frame[k + 1], frame[k + 2]];
    };
    const [rr, , rb] = at('rightElbow');
    const [lr, , lb] = at('leftElbow');
    assert.ok(toPixel(view, pose.rightElbow)[0] < view.originX && toPixel(view, pose.leftElbow)[0] > view.originX, 'right on the image left');
    assert.ok(rr > 180 && rb < 100, `right elbow ${at('rightElbow')}`);
    assert.ok(lb > 160 && lr < 100, `left elbow ${at('leftElbow')}`);
    assert.notDeepEqual(at('head'), [220, 220, 220]);
    // the floor below the feet is the floor colour
    assert.deepEqual([...frame.subarray((118 * 160 + 2) * 3, (118 * 160 + 2) * 3 + 3)], [150, 130, 110]);
  });
});
