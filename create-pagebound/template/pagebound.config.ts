import { defineConfig } from 'pagebound';

// Every option in pagebound's README table can go here; PORT, HOST, PAGEBOUND_* variables and
// flags (--port, --host, --pages, --public) override what is set here.
export default defineConfig({
  port: 3000,
});
