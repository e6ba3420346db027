# Sourced by scripts/test.sh after scripts/throwaway-cluster.sh: two aiosmtpd servers that keep
# what they receive under $tmp (scripts/mail-sink.py), one plain on loopback, one that requires
# STARTTLS (a certificate for localhost, signed by a CA made here) and AUTH. Ended on exit with
# the cluster. Exports PRAXIS_TEST_SMTP_{PORT,DIR} and PRAXIS_TEST_SMTP_TLS_{PORT,DIR,CA,USER,PASSWORD}.
mail_ca="$tmp/mail-tls"
mkdir -p "$mail_ca"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Praxis test CA" -keyout "$mail_ca/ca.key" \
  -out "$mail_ca/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$mail_ca/server.key" -out "$mail_ca/server.csr" \
  2>/dev/null
printf 'subjectAltName=DNS:localhost\n' >"$mail_ca/san.ext"
openssl x509 -req -in "$mail_ca/server.csr" -CA "$mail_ca/ca.pem" -CAkey "$mail_ca/ca.key" -CAcreateserial -days 2 \
  -extfile "$mail_ca/san.ext" -out "$mail_ca/server.pem" 2>/dev/null

export PRAXIS_TEST_SMTP_PORT PRAXIS_TEST_SMTP_DIR="$tmp/mail-plain"
export PRAXIS_TEST_SMTP_TLS_PORT PRAXIS_TEST_SMTP_TLS_DIR="$tmp/mail-tls-received"
export PRAXIS_TEST_SMTP_TLS_CA="$mail_ca/ca.pem" PRAXIS_TEST_SMTP_TLS_USER=praxis PRAXIS_TEST_SMTP_TLS_PASSWORD=sink-secret
PRAXIS_TEST_SMTP_PORT=$(free_port)
PRAXIS_TEST_SMTP_TLS_PORT=$(free_port)
MAIL_DIR="$PRAXIS_TEST_SMTP_DIR" scripts/mail-sink.sh serve --port "$PRAXIS_TEST_SMTP_PORT" >"$tmp/mail-plain.log" 2>&1 &
background_pids="$background_pids $!"
MAIL_DIR="$PRAXIS_TEST_SMTP_TLS_DIR" scripts/mail-sink.sh serve --port "$PRAXIS_TEST_SMTP_TLS_PORT" \
  --tls-cert "$mail_ca/server.pem" --tls-key "$mail_ca/server.key" \
  --user "$PRAXIS_TEST_SMTP_TLS_USER" --password "$PRAXIS_TEST_SMTP_TLS_PASSWORD" >"$tmp/mail-tls.log" 2>&1 &
background_pids="$background_pids $!"
for sink in "plain $PRAXIS_TEST_SMTP_PORT" "tls $PRAXIS_TEST_SMTP_TLS_PORT"; do
  read -r sink_name sink_port <<<"$sink"
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$sink_port") 2>/dev/null && continue 2
    sleep 0.2
  done
  echo "the $sink_name mail sink did not start:" >&2
  cat "$tmp/mail-$sink_name.log" >&2
  exit 1
done
