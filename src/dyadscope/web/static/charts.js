// Renders the Vega-Lite spec embedded in the page (bundled Vega builds, nothing fetched).
(function () {
  var specEl = document.getElementById('chart-spec');
  var target = document.getElementById('chart');
  if (!specEl || !target || typeof vegaEmbed === 'undefined') return;
  var spec = JSON.parse(specEl.textContent);
  if (!spec.vconcat[0].data.values.length) { target.style.display = 'none'; return; }
  // Vega-Lite's "container" width does not reach into vconcat: size each panel here
  // (the page width less room for the y axis and its title).
  var width = Math.max(300, target.clientWidth - 80);
  spec.vconcat.forEach(function (panel) { panel.width = width; });
  // ast: Vega's expression interpreter instead of generated functions, so the page's
  // Content-Security-Policy needs no 'unsafe-eval'; the embed and tooltip styles are in
  // style.css (the policy allows no inline <style>).
  vegaEmbed(target, spec, { mode: 'vega-lite', actions: false, renderer: 'svg', ast: true, defaultStyle: false,
                            tooltip: { theme: 'light', disableDefaultStyle: true } })
    .then(function () { target.setAttribute('data-rendered', '1'); })
    .catch(function (err) {
      target.setAttribute('data-error', String(err));
      target.textContent = 'The chart could not be drawn: ' + err;
    });
})();
