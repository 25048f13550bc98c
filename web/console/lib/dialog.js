// dialog.js: a modal question with an optional text field, on <dialog>
// (no window.confirm: it blocks the page and cannot be styled).

import {h} from './dom.js';

// ask shows a dialog and resolves {ok, value}. With input, the text is
// required unless input.optional, and the confirm button waits for it.
export function ask({title, message, input, confirmText = '确定', danger = false}) {
  return new Promise(resolve => {
    const field = input ? h(input.multiline ? 'textarea' : 'input', {
      class: 'input', name: 'value', rows: input.multiline ? 4 : undefined, placeholder: input.placeholder || '',
      type: input.multiline ? undefined : input.type, // e.g. 'date': the browser's own picker
      maxlength: input.maxlength || 1000, value: input.value || '', 'aria-label': input.label || title,
    }) : null;
    const error = h('p', {class: 'form-error', role: 'alert'});
    const dlg = h('dialog', {class: 'dialog'},
      h('form', {method: 'dialog', class: 'dialog-form'},
        h('h2', {}, title),
        message ? h('p', {}, message) : null,
        input && input.label ? h('label', {class: 'field-label'}, input.label) : null,
        field, error,
        h('div', {class: 'dialog-actions'},
          h('button', {type: 'button', class: 'btn btn-plain', value: 'cancel', onclick: () => close(false)}, '取消'),
          h('button', {type: 'submit', class: 'btn ' + (danger ? 'btn-danger' : 'btn-primary'), value: 'ok'}, confirmText))));
    function close(ok) {
      dlg.close();
      dlg.remove();
      resolve({ok, value: field ? field.value.trim() : ''});
    }
    dlg.querySelector('form').addEventListener('submit', e => {
      e.preventDefault();
      if (field && !input.optional && !field.value.trim()) {
        error.textContent = '请填写' + (input.label || '内容');
        field.focus();
        return;
      }
      close(true);
    });
    dlg.addEventListener('cancel', e => { e.preventDefault(); close(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
    if (field) field.focus();
  });
}

// toast shows a short message at the bottom of the page.
export function toast(message, kind = 'ok') {
  const el = h('div', {class: 'toast toast-' + kind, role: 'status'}, message);
  document.body.appendChild(el);
  setTimeout(() => el.remove(), 4000);
}
