#!/bin/sh
# The object store's entrypoint: writes the S3 identities from the environment (secrets never
# sit in the repository) and starts SeaweedFS (master, volume, filer and the S3 gateway on 8333).
# The app's identity may only read, write and list the examflow bucket.
set -eu
umask 077
mkdir -p /etc/seaweedfs/secrets
cat > /etc/seaweedfs/secrets/s3.json <<JSON
{
  "identities": [
    {
      "name": "admin",
      "credentials": [{ "accessKey": "${OBJECT_STORE_ADMIN_ACCESS_KEY:?}", "secretKey": "${OBJECT_STORE_ADMIN_SECRET_KEY:?}" }],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    },
    {
      "name": "examflow",
      "credentials": [{ "accessKey": "${EXAMFLOW_S3_ACCESS_KEY_ID:?}", "secretKey": "${EXAMFLOW_S3_SECRET_ACCESS_KEY:?}" }],
      "actions": ["Read:examflow", "Write:examflow", "List:examflow", "Tagging:examflow"]
    }
  ]
}
JSON
exec weed server -dir=/data -volume.max=0 -master.volumeSizeLimitMB=1024 -s3 -s3.port=8333 -s3.config=/etc/seaweedfs/secrets/s3.json
