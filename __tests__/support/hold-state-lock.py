# Holds a local Terraform state's lock the way terraform does (an fcntl write
# lock on the state file, and the .lock.info beside it), as a colleague's
# running apply would. Usage: hold-state-lock.py STATE_FILE SECONDS
import fcntl, json, os, sys, time

state = sys.argv[1]
f = open(state, "r+")
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
info = os.path.join(os.path.dirname(state), "." + os.path.basename(state) + ".lock.info")
with open(info, "w") as out:
    json.dump({"ID": "5e1f0c2a-7b3d-4e21-9a40-d1c0ffee0042", "Operation": "OperationTypeApply", "Info": "", "Who": "alice@laptop",
               "Version": "1.11.4", "Created": "2026-11-26T03:40:00.000000000Z", "Path": state}, out)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
os.remove(info)
