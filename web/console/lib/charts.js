// charts.js: loads the vendored ECharts once, as a classic script (the
// browser keeps it compiled between visits; see web/vendor/echarts/VERSION),
// and resolves with its global.

let loading = null;

export function echarts() {
  if (loading) return loading;
  loading = new Promise((resolve, reject) => {
    if (window.echarts) return resolve(window.echarts);
    const meta = document.querySelector('meta[name="xb-echarts"]');
    const s = document.createElement('script');
    s.src = meta ? meta.content : '/admin/static/vendor/echarts/echarts.common.min.js';
    s.async = true;
    s.onload = () => (window.echarts ? resolve(window.echarts) : reject(new Error('图表组件加载失败')));
    s.onerror = () => { loading = null; reject(new Error('图表组件加载失败，请刷新页面重试')); };
    document.head.appendChild(s);
  });
  return loading;
}
