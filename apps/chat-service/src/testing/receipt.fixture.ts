/** A receipt-like finished job: lines with boxes, as the OCR worker produces them. */
export function receiptJob(uuid = '5b0c7e1a-0000-4000-8000-00000000000a') {
  const lines1 = [
    'SANYU STATIONERY SHOP',
    'NO. 31G&33G, JALAN SETIA INDAH X ,U13/X',
    '40170 SETIA ALAM',
    'Invoice No: CS-SA-0076015',
    'Date: 27/03/2018',
    'Cashier: Nur',
    'Pen blue 2 x 1.90',
    'Sub-total 3.80',
    'TOTAL 5.70',
  ];
  const lines2 = ['Thank you, please come again', 'Goods sold are not returnable'];
  const page = (index: number, lines: string[]) => ({
    index,
    width: 800,
    height: 1200,
    text: lines.join('\n'),
    markdown: lines.join('\n'),
    blocks: [
      {
        kind: 'paragraph',
        text: lines.join('\n'),
        bbox: [50, 40, 700, 40 + 30 * lines.length],
        confidence: 0.95,
        lines: lines.map((text, i) => ({ text, bbox: [50, 40 + 30 * i, 50 + 12 * text.length, 64 + 30 * i], confidence: 0.95, words: [] })),
      },
    ],
    tables: [],
  });
  return {
    uuid,
    status: 'done',
    tier: 'cpu',
    language: 'auto',
    page_count: 2,
    pages_done: 2,
    mean_confidence: 0.95,
    text: `${lines1.join('\n')}\n\n${lines2.join('\n')}`,
    markdown: '',
    pages: [page(0, lines1), page(1, lines2)],
    created_at: '2026-11-25T10:00:00.000Z',
  };
}
