// Scrolls each quoted document to its highlighted sentence (a file, not inline: the
// Content-Security-Policy allows scripts from this server only).
for (const el of document.querySelectorAll('.doctext.scroll')) {
  const m = el.querySelector('mark');
  if (m) el.scrollTop = m.offsetTop - el.offsetTop - 40;
}
