// certificate.js — the console's card for putting phones on the fair's
// network: the address the printed QR codes use (public_url), the server
// certificate's SHA-256 fingerprint to compare on the phone, and the
// certificate to download and install (docs/operations.md).
import { api } from '../lib/api.js';
import { $ } from '../lib/dom.js';
import { t, pick, onLangChange } from '../lib/i18n.js';

let info = null;

function draw() {
	if (!info) return;
	$('#cert-url').textContent = info.public_url || t('console.cert.noUrl');
	$('#cert-fp').textContent = info.fingerprint_sha256;
	$('#cert-names').textContent = info.names.length ? info.names.join(t('common.listSep')) : '—';
	$('#cert-download').href = info.download;
}

// Reads the certificate's details into the card and shows it.
export async function loadCertificate() {
	try {
		info = await api('/api/v1/tls');
		$('#cert').hidden = false;
		$('#cert-status').textContent = '';
		draw();
	} catch (e) {
		$('#cert-status').textContent = pick(e.message);
	}
}

onLangChange(draw);
