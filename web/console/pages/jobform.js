// jobform.js: the posting form, in a dialog, for creating and editing.

import {h} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {toast} from '../lib/dialog.js';
import {regionOptions} from '../lib/regions.js';
import {jobKindNames, wageUnitNames} from '../lib/format.js';

function field(label, input, hint) {
  return h('label', {class: 'form-field'}, h('span', {}, label), input, hint ? h('small', {class: 'muted'}, hint) : null);
}

function select(name, options, value) {
  const s = h('select', {name, class: 'input'}, options.map(([v, l]) => h('option', {value: v}, l)));
  s.value = value || options[0][0];
  return s;
}

const yuanOf = fen => (fen === undefined || fen === null ? '' : String(fen / 100));
const fenOf = v => (v === '' ? null : Math.round(Number(v) * 100));
const intOf = v => (v === '' ? null : Number(v));

// jobDialog resolves the saved posting, or null when cancelled.
export function jobDialog(job) {
  const j = job || {kind: 'workshop', wage_unit: 'month', headcount: 1, benefits: {}, physical_demand: 'medium'};
  const today = new Date().toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'});
  const f = {
    title: h('input', {name: 'title', class: 'input', value: j.title || '', required: true, maxlength: 128}),
    employer: h('input', {name: 'employer', class: 'input', value: j.employer || '', required: true, maxlength: 128}),
    kind: select('kind', Object.entries(jobKindNames), j.kind),
    region_code: h('select', {name: 'region_code', class: 'input'}, h('option', {value: j.region_code || ''}, j.region_name || '加载中…')),
    address: h('input', {name: 'address', class: 'input', value: j.address || '', maxlength: 255}),
    wage_min: h('input', {name: 'wage_min', class: 'input', type: 'number', min: 0, step: '0.01', value: yuanOf(j.wage_min_fen), required: true}),
    wage_max: h('input', {name: 'wage_max', class: 'input', type: 'number', min: 0, step: '0.01', value: yuanOf(j.wage_max_fen), required: true}),
    wage_unit: select('wage_unit', Object.entries(wageUnitNames), j.wage_unit),
    headcount: h('input', {name: 'headcount', class: 'input', type: 'number', min: 1, value: j.headcount || 1, required: true}),
    skill_tags: h('input', {name: 'skill_tags', class: 'input', value: (j.skill_tags || []).join('，'), placeholder: '用逗号分隔，如 普工，缝纫'}),
    age_min: h('input', {name: 'age_min', class: 'input', type: 'number', min: 16, max: 80, value: j.age_min || ''}),
    age_max: h('input', {name: 'age_max', class: 'input', type: 'number', min: 16, max: 80, value: j.age_max || ''}),
    physical_demand: select('physical_demand', [['light', '轻体力'], ['medium', '中等体力'], ['heavy', '重体力']], j.physical_demand),
    meals: h('input', {type: 'checkbox', name: 'meals', checked: !!(j.benefits || {}).meals}),
    lodging: h('input', {type: 'checkbox', name: 'lodging', checked: !!(j.benefits || {}).lodging}),
    transport: h('input', {type: 'checkbox', name: 'transport', checked: !!(j.benefits || {}).transport}),
    contact_name: h('input', {name: 'contact_name', class: 'input', value: j.contact_name || '', maxlength: 64}),
    contact_phone: h('input', {name: 'contact_phone', class: 'input', value: '', placeholder: job ? '不修改请留空（' + (j.contact_phone || '') + '）' : '手机或座机'}),
    description: h('textarea', {name: 'description', class: 'input', rows: 3, maxlength: 2000}, j.description || ''),
    valid_from: h('input', {name: 'valid_from', class: 'input', type: 'date', value: j.valid_from || today, required: true}),
    valid_until: h('input', {name: 'valid_until', class: 'input', type: 'date', value: j.valid_until || '', required: true}),
  };
  regionOptions().then(opts => {
    f.region_code.replaceChildren(...opts.filter(([v]) => v).map(([v, l]) => h('option', {value: v}, l.trim())));
    if (j.region_code) f.region_code.value = j.region_code;
  }).catch(() => {});
  const error = h('p', {class: 'form-error', role: 'alert'});
  return new Promise(resolve => {
    const dlg = h('dialog', {class: 'dialog dialog-wide'}, h('form', {class: 'dialog-form', method: 'dialog'},
      h('h2', {}, job ? '编辑岗位' : '发布岗位'),
      h('div', {class: 'form-grid'},
        field('岗位名称', f.title), field('用工单位', f.employer), field('类别', f.kind), field('工作地点（地区）', f.region_code),
        field('详细地址', f.address), field('最低薪资（元）', f.wage_min), field('最高薪资（元）', f.wage_max), field('薪资单位', f.wage_unit),
        field('招聘人数', f.headcount), field('技能标签', f.skill_tags), field('最低年龄', f.age_min), field('最高年龄', f.age_max),
        field('体力要求', f.physical_demand),
        h('div', {class: 'form-field'}, h('span', {}, '待遇'), h('div', {class: 'checks'},
          h('label', {}, f.meals, '包吃'), h('label', {}, f.lodging, '包住'), h('label', {}, f.transport, '交通补贴'))),
        field('联系人', f.contact_name), field('联系电话', f.contact_phone), field('开始日期', f.valid_from), field('截止日期', f.valid_until)),
      field('岗位说明', f.description), error,
      h('div', {class: 'dialog-actions'},
        h('button', {type: 'button', class: 'btn btn-plain', onclick: () => done(null)}, '取消'),
        h('button', {type: 'submit', class: 'btn btn-primary'}, job ? '保存' : '发布'))));
    function done(v) { dlg.close(); dlg.remove(); resolve(v); }
    dlg.addEventListener('cancel', e => { e.preventDefault(); done(null); });
    dlg.querySelector('form').addEventListener('submit', async e => {
      e.preventDefault();
      const body = {
        title: f.title.value.trim(), employer: f.employer.value.trim(), kind: f.kind.value, region_code: f.region_code.value,
        address: f.address.value.trim(), wage_min_fen: fenOf(f.wage_min.value), wage_max_fen: fenOf(f.wage_max.value),
        wage_unit: f.wage_unit.value, headcount: intOf(f.headcount.value), filled: j.filled || 0,
        skill_tags: f.skill_tags.value.split(/[,，、\s]+/).filter(Boolean),
        age_min: intOf(f.age_min.value), age_max: intOf(f.age_max.value), physical_demand: f.physical_demand.value,
        benefits: {meals: f.meals.checked, lodging: f.lodging.checked, transport: f.transport.checked},
        contact_name: f.contact_name.value.trim(), description: f.description.value.trim(),
        valid_from: f.valid_from.value, valid_until: f.valid_until.value,
      };
      if (f.contact_phone.value.trim()) body.contact_phone = f.contact_phone.value.trim();
      try {
        const saved = job ? await api.put('/jobs/' + job.id, body) : await api.post('/jobs', body);
        toast(job ? '岗位已保存' : '岗位已发布，符合条件的群众会收到推送');
        done(saved);
      } catch (err) {
        error.textContent = err.message;
      }
    });
    document.body.appendChild(dlg);
    dlg.showModal();
  });
}
