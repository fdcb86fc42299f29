/** A bar chart (SVG) of MB/s per tool and workload, so runs can be compared at a glance. */
export function throughputChart(rows: Array<{ workload: string; tool: string; mbPerSecond: number }>): string {
  const width = 720;
  const barHeight = 22;
  const labelWidth = 220;
  const max = Math.max(1, ...rows.map((r) => r.mbPerSecond));
  const height = 40 + rows.length * (barHeight + 8);
  const bars = rows.map((r, i) => {
    const y = 30 + i * (barHeight + 8);
    const w = Math.max(1, ((width - labelWidth - 90) * r.mbPerSecond) / max);
    const colour = r.tool === 'service' ? '#2b6cb0' : '#a0aec0';
    return (
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" font-size="13">${r.workload} · ${r.tool}</text>` +
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${colour}"/>` +
      `<text x="${labelWidth + w + 6}" y="${y + 16}" font-size="13">${r.mbPerSecond.toFixed(1)} MB/s</text>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<text x="10" y="18" font-size="15" font-weight="bold">Throughput, same data, same MinIO (higher is better)</text>${bars.join('')}</svg>\n`
  );
}
