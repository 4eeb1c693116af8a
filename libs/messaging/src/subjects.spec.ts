import { CONSUMERS, pageMessageId, parseTaskSubject, taskSubject, workerLanes } from './subjects';

describe('subjects', () => {
  it('builds and parses task subjects', () => {
    expect(taskSubject('cpu', 'p0')).toBe('ocr.tasks.cpu.p0');
    expect(parseTaskSubject('ocr.tasks.vlm.p2')).toEqual({ tier: 'vlm', priority: 'p2' });
    expect(parseTaskSubject('ocr.tasks.gpu.p0')).toBeNull();
    expect(parseTaskSubject('ocr.tasks.cpu.p9')).toBeNull();
    expect(parseTaskSubject('ocr.results')).toBeNull();
  });

  it('gives the worker one lane per priority, highest first, with the shared consumer names', () => {
    expect(workerLanes('cpu')).toEqual([
      { priority: 'p0', durable: 'ocr-worker-cpu-p0', filterSubject: 'ocr.tasks.cpu.p0' },
      { priority: 'p1', durable: 'ocr-worker-cpu-p1', filterSubject: 'ocr.tasks.cpu.p1' },
      { priority: 'p2', durable: 'ocr-worker-cpu-p2', filterSubject: 'ocr.tasks.cpu.p2' },
    ]);
    expect(CONSUMERS.ocrWorker.vlm.p1).toBe('ocr-worker-vlm-p1');
  });

  it('names page messages <job>:<page>', () => {
    expect(pageMessageId('0b6c', 3)).toBe('0b6c:3');
  });
});
