/**
 * Where a job's files live in object storage, named once for every service:
 * - the upload, deleted as soon as the job ends;
 * - each page as rasterized (the searchable PDF's background), and the finished job document
 *   (read by the chat service when it indexes the job), both deleted when the results expire.
 */
export const jobArtifacts = {
  upload: (jobId: string) => `uploads/${jobId}`,
  pagesPrefix: (jobId: string) => `pages/${jobId}/`,
  pageImage: (jobId: string, pageIndex: number) => `pages/${jobId}/${pageIndex}.jpg`,
  result: (jobId: string) => `results/${jobId}.json`,
} as const;
