// Loaded on pages with widgets, between require.js and the ipywidgets HTML manager
// (see nb_ipywidgets_js in _config.yml). Two fixes for reading the book offline, for
// @jupyter-widgets/html-manager 1.0.6 with MathJax 3.2.2 and require.js 2.3.8 (the
// versions scripts/vendor_js.sh vendors). tests/test_browser.py checks both ways:
// every page loads with no error (the fixes work), and a page loaded with this file
// blocked still shows both problems (the fixes are still needed).
(function () {
  // 1. The manager's AMD modules ask for their icon fonts next to their own module
  //    URL, which require.js derives from the module name relative to the page, not
  //    from where embed-amd.js was loaded (404s, with the CDN setup too). Map each
  //    module name into the vendored dist/ folder.
  var dist = new URL("html-manager/dist/", document.currentScript.src).href;
  require.config({
    paths: {
      "@jupyter-widgets/base": dist + "base",
      "@jupyter-widgets/controls": dist + "controls",
      "@jupyter-widgets/html-manager": dist + "html-manager",
      "@jupyter-widgets/html-manager/dist": dist.replace(/\/$/, ""),
    },
  });

  // 2. Widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the book
  //    loads MathJax 3, so a page with both equations and widgets threw a TypeError.
  //    Route those calls to MathJax 3. Runs on "load", before the manager draws.
  window.addEventListener("load", function () {
    var mathjax = window.MathJax;
    if (!mathjax || !mathjax.startup || mathjax.Hub) return;
    mathjax.Hub = {
      Queue: function (job) {
        var element = job && job[2];
        mathjax.startup.promise = mathjax.startup.promise.then(function () {
          return mathjax.typesetPromise(element ? [element] : undefined);
        });
      },
    };
  });
})();
