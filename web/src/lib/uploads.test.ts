import { describe, expect, it } from 'vitest';
import { UploadQueue, totals, type Sender } from './uploads';

function file(name: string, size: number): File {
  return new File([new Uint8Array(size)], name);
}

describe('UploadQueue', () => {
  it('uploads two at a time and records created, duplicate and failed files', async () => {
    let concurrent = 0;
    let peak = 0;
    const send: Sender = async (f, progress) => {
      concurrent++;
      peak = Math.max(peak, concurrent);
      progress(f.size / 2);
      await new Promise((r) => setTimeout(r, 5));
      concurrent--;
      if (f.name === 'bad.jpg') throw new Error('Unsupported file type');
      return { status: f.name === 'dup.jpg' ? 'duplicate' : 'created', id: `id-${f.name}` };
    };
    const uploaded: string[] = [];
    const queue = new UploadQueue(send, 2, (item) => uploaded.push(item.name));
    queue.add([file('a.jpg', 10), file('dup.jpg', 20), file('bad.jpg', 30), file('b.jpg', 40)]);
    expect(queue.busy).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(peak).toBe(2);
    expect(queue.busy).toBe(false);
    expect(queue.items.map((i) => i.status)).toEqual(['created', 'duplicate', 'failed', 'created']);
    expect(queue.items[2].error).toBe('Unsupported file type');
    expect(uploaded.sort()).toEqual(['a.jpg', 'b.jpg', 'dup.jpg']);
    const t = totals(queue.items);
    expect(t).toMatchObject({ files: 4, done: 4, failed: 1, duplicates: 1, fraction: 1 });
    queue.clearFinished();
    expect(queue.items).toHaveLength(0);
  });

  it('sums progress over bytes, counting half-sent files by what was sent', () => {
    const t = totals([
      { key: 1, name: 'a', size: 100, loaded: 100, status: 'created' },
      { key: 2, name: 'b', size: 300, loaded: 150, status: 'uploading' },
      { key: 3, name: 'c', size: 100, loaded: 0, status: 'waiting' },
    ]);
    expect(t.fraction).toBeCloseTo(250 / 500);
    expect(totals([]).fraction).toBe(1);
  });
});
