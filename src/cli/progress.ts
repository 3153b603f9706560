// A one-line progress bar on stderr (redrawn in place on a terminal, one line per 10% otherwise).
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastDecile = -1;
  const started = Date.now();
  return (done, total) => {
    const frac = total ? done / total : 1;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(frac * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${secs}s${done === total ? '\n' : ''}`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile || done === total) {
        lastDecile = decile;
        stream.write(`${label} ${done}/${total} (${secs}s)\n`);
      }
    }
  };
}
