import { enterTest, reapChildren } from "./child-processes";

// The first setup file, so these hooks come before any test file's: after
// each test its children are resumed, killed and reaped before the file's own
// afterEach removes their folders or stops the simulator they talk to; a
// beforeAll's children, after the file.
beforeEach(enterTest);
afterEach(() => reapChildren("test"));
afterAll(() => reapChildren("file"));
