import type { FormInstance } from 'antd';

/**
 * The form's values when every field is valid, null when one is not: the form then shows what is wrong beside
 * each field, and nothing is sent. (antd's validateFields rejects instead, which left an uncaught error.)
 */
export async function validValues<T>(form: FormInstance<T>): Promise<T | null> {
  try {
    return await form.validateFields();
  } catch {
    return null;
  }
}
