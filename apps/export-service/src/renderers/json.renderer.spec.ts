import { sampleJob } from '../testing/sample-job.fixture';
import { renderJson } from './json.renderer';

describe(renderJson.name, () => {
  it('writes the job object with every field, extra ones included', () => {
    const job = { ...sampleJob(), progress: { done: 2, of: 2 } };
    const sut = renderJson(job);
    expect(sut.contentType).toBe('application/json');
    expect(sut.fileName).toBe(`${job.uuid}.json`);
    expect(JSON.parse(Buffer.from(sut.body).toString('utf8'))).toEqual(job);
  });
});
